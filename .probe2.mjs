import winston from 'winston';
import { readdirSync, statSync, rmSync, mkdirSync } from 'node:fs';
const dir = '/tmp/pclog2'; rmSync(dir, {recursive: true, force: true}); mkdirSync(dir);
const tailable = process.argv[2] === 't';
const spaced = process.argv[3] === 's';
const t = new winston.transports.File({ filename: dir + '/c.log', maxsize: 2000, maxFiles: 3, tailable, format: winston.format.json() });
const logger = winston.createLogger({ transports: [t] });
for (let i = 0; i < 60; i++) { logger.info('filling', { i, padding: 'x'.repeat(60) }); if (spaced) await new Promise(r => setTimeout(r, 5)); }
const timer = setTimeout(() => { console.log('HUNG', readdirSync(dir).map(f => [f, statSync(dir+'/'+f).size])); process.exit(1); }, 3000);
await new Promise(r => { t.once('finish', r); logger.end(); });
clearTimeout(timer);
console.log('ok', readdirSync(dir).map(f => [f, statSync(dir+'/'+f).size]));
