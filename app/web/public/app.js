// Progressive enhancement for the admin page. Everything works without it; this file only
// makes it smoother. No inline handlers anywhere (the CSP forbids them): all wiring is here.
'use strict';

(function () {
  const base = document.body.dataset.base || '';

  document.documentElement.classList.add('js');

  // Language switch: submit on change.
  for (const select of document.querySelectorAll('select.js-autosubmit')) {
    select.addEventListener('change', () => select.form && select.form.submit());
  }

  // Long-running buttons (simulate, import): show that something happens, prevent double posts.
  for (const button of document.querySelectorAll('button.js-busy')) {
    button.form && button.form.addEventListener('submit', () => {
      button.classList.add('busy');
      setTimeout(() => { button.disabled = true; }, 0);
    });
  }

  // Simulation report: filter the rows of every table as you type (a user's rows of the
  // updates table form one group). The server filters too (Apply), for what is not shown.
  const tables = Array.from(document.querySelectorAll('table.js-report'));
  const text = document.querySelector('.js-filter-text');
  if (tables.length > 0 && text) {
    const units = [];
    for (const table of tables) {
      const groups = table.querySelectorAll('tbody.user-group');
      if (groups.length > 0) units.push(...groups);
      else for (const body of table.tBodies) units.push(...body.rows);
    }
    const count = document.querySelector('.js-count');
    const apply = () => {
      const needle = text.value.trim().toLowerCase();
      let shown = 0;
      for (const unit of units) {
        const show = needle === '' || unit.textContent.toLowerCase().includes(needle);
        unit.hidden = !show;
        if (show) shown++;
      }
      if (count) count.textContent = needle === '' ? '' : shown + ' / ' + units.length;
    };
    text.addEventListener('input', apply);
  }

  // Import progress: poll the JSON endpoint every 500 ms until the job is finished.
  const box = document.querySelector('.js-import');
  if (box && (box.dataset.state === 'planning' || box.dataset.state === 'delivering')) {
    const progress = box.querySelector('.js-progress');
    const progressText = box.querySelector('.js-progress-text');
    const poll = async () => {
      let job;
      try {
        const response = await fetch(base + '/api/import/' + encodeURIComponent(box.dataset.job), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!response.ok) throw new Error(String(response.status));
        job = await response.json();
      } catch (error) {
        setTimeout(poll, 2000);
        return;
      }
      progress.max = Math.max(1, job.progress.total);
      progress.value = job.progress.settled;
      if (job.state !== 'planning') progressText.textContent = job.text.progress;
      box.dataset.state = job.state;
      if (job.state === 'finished' || job.state === 'failed') {
        window.location.reload(); // the server renders the result (translated, escaped)
        return;
      }
      setTimeout(poll, 500);
    };
    setTimeout(poll, 500);
  }

  // Dangerous buttons ask first.
  for (const button of document.querySelectorAll('button.btn-danger')) {
    button.addEventListener('click', (event) => {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  }
})();
