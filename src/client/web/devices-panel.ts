import type { DeviceListing } from '../device-management.ts';
import { el, shown } from './dom.ts';

/** The terminal's `/devices`, `/devices approve CODE` and `/devices remove ID` (device-management.ts). */
export interface DeviceActions {
  list(): Promise<DeviceListing[]>;
  approve(code: string): Promise<void>;
  remove(device: string): Promise<void>;
}

/**
 * "Your devices": this operator's devices, listed when the panel is opened and after each
 * change; a pending one approved by the code it shows; a lost one removed from every conversation
 * and revoked. What happened is said in the panel's status, in the terminal's words.
 */
export class DevicesPanel {
  readonly root: HTMLDetailsElement;
  private readonly list = el('ul', { 'aria-label': 'Devices' });
  private readonly status = el('p', { class: 'status', role: 'status' });

  constructor(private readonly actions: DeviceActions) {
    const code = el('input', { id: 'approval-code', autocapitalize: 'none', spellcheck: 'false', required: '', placeholder: 'abcde-fgh23' });
    const approve = el('form', {}, el('label', { for: 'approval-code' }, 'Approve a new device (the code it shows)'), code, el('button', { type: 'submit' }, 'Approve'));
    approve.addEventListener('submit', (event) => {
      event.preventDefault();
      const typed = code.value.trim().toLowerCase();
      if (typed === '') return;
      code.value = '';
      void this.run(`Approving ${typed}…`, () => actions.approve(typed));
    });
    const refresh = el('button', { type: 'button', id: 'refresh-devices' }, 'Refresh the list');
    refresh.addEventListener('click', () => void this.refresh());
    this.root = el('details', { class: 'devices' }, el('summary', {}, 'Your devices'), this.list, refresh, approve, this.status);
    this.root.addEventListener('toggle', () => {
      if (this.root.open) void this.refresh();
    });
  }

  /** A line from the device steps (device-management.ts). */
  say(text: string): void {
    this.status.textContent = text;
  }

  async refresh(): Promise<void> {
    let devices: DeviceListing[];
    try {
      devices = await this.actions.list();
    } catch (error) {
      return this.say(`Could not list your devices: ${(error as Error).message}`);
    }
    this.list.replaceChildren(...devices.map((d) => {
      const label = `${shown(d.device)}${d.mine ? ' (this browser)' : ''}${d.pending ? ' (waiting for approval)' : ''}`;
      const item = el('li', {}, el('span', {}, label));
      if (!d.mine && !d.pending) {
        const remove = el('button', { type: 'button', 'aria-label': `Remove device ${shown(d.device)}` }, 'Remove');
        remove.addEventListener('click', () => void this.run(`Removing device ${shown(d.device)}…`, () => this.actions.remove(d.device)));
        item.append(remove);
      }
      return item;
    }));
  }

  private async run(doing: string, action: () => Promise<void>): Promise<void> {
    this.say(doing);
    try {
      await action();
    } catch (error) {
      this.say(`${doing.replace(/…$/, '')} failed: ${(error as Error).message}`);
    }
    await this.refresh();
  }
}
