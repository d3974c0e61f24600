import { describeSchedule, nextRuns } from './app/web/cron-next.js';
console.log(describeSchedule('30 4 * * 1-5', 'de'), nextRuns('30 4 * * 1-5', 5));
import cronstrue from 'cronstrue/i18n.js';
console.log(cronstrue.default.toString('30 4 * * 1-5', { locale: 'de', use24HourTimeFormat: true, verbose: false }));
