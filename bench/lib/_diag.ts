import { Store } from '../../app/store/store.js';
const open = Store.open;
Store.open = function (dir: string) { const s = open.call(Store, dir); if (process.env['CKPT']) s.db.pragma(`wal_autocheckpoint = ${process.env['CKPT']}`); return s; };
await import('../listener-burst.js');
