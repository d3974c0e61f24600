import { createLogger } from './app/log/logger.js';
import { readdirSync, statSync } from 'node:fs';
const logger = createLogger({ level: 'info', dataDir: '/tmp/pclog', console: false, maxSizeBytes: 2000, maxFiles: 3 });
for (let i = 0; i < 60; i++) logger.info('filling', { i, padding: 'x'.repeat(60) });
const t = setTimeout(() => { console.log('HUNG', readdirSync('/tmp/pclog').map(f => [f, statSync('/tmp/pclog/'+f).size, (statSync('/tmp/pclog/'+f).mode & 0o777).toString(8)])); process.exit(1); }, 3000);
await logger.close();
clearTimeout(t);
console.log('closed', readdirSync('/tmp/pclog').map(f => [f, statSync('/tmp/pclog/'+f).size, (statSync('/tmp/pclog/'+f).mode & 0o777).toString(8)]));
