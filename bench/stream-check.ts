const ACCEPTED = 1;
const REFUSED = 2;

/**
 * Loss, duplication and order of one stream of numbered messages (one sender to one
 * recipient): PROTOCOL "Messages" promises each recipient the server's accept order.
 */
export class StreamCheck {
  accepted = 0;
  refused = 0;
  /** Distinct accepted-or-not sequence numbers received. */
  received = 0;
  duplicated = 0;
  reordered = 0;
  private status: Uint8Array = new Uint8Array(1024);
  private seen: Uint8Array = new Uint8Array(1024);
  private maxSeen = -1;

  accept(seq: number): void {
    this.status = grown(this.status, seq);
    this.status[seq] = ACCEPTED;
    this.accepted++;
  }

  refuse(seq: number): void {
    this.status = grown(this.status, seq);
    this.status[seq] = REFUSED;
    this.refused++;
  }

  receive(seq: number): void {
    this.seen = grown(this.seen, seq);
    if (this.seen[seq] !== 0) {
      this.duplicated++;
      return;
    }
    this.seen[seq] = 1;
    this.received++;
    if (seq < this.maxSeen) this.reordered++;
    else this.maxSeen = seq;
  }

  /** Every accepted message has arrived. */
  get complete(): boolean {
    return this.received >= this.accepted;
  }

  /** Accepted messages never received. */
  lost(): number {
    let lost = 0;
    for (let seq = 0; seq < this.status.length; seq++) {
      if (this.status[seq] === ACCEPTED && (this.seen[seq] ?? 0) === 0) lost++;
    }
    return lost;
  }
}

function grown(array: Uint8Array, index: number): Uint8Array {
  if (index < array.length) return array;
  let size = array.length * 2;
  while (size <= index) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(array);
  return bigger;
}
