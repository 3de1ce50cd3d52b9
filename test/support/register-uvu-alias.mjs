// `node --import ./test/support/register-uvu-alias.mjs`: see uvu-alias-hooks.mjs.
import { register } from 'node:module';

register('./uvu-alias-hooks.mjs', import.meta.url);
