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

  // Simulation result: filter the rows shown, as you type.
  const plan = document.querySelector('table.js-plan');
  const kind = document.querySelector('.js-filter-kind');
  const text = document.querySelector('.js-filter-text');
  if (plan && kind && text) {
    const rows = Array.from(plan.tBodies[0].rows);
    const apply = () => {
      const wanted = kind.value;
      const needle = text.value.trim().toLowerCase();
      for (const row of rows) {
        const show = (wanted === '' || row.dataset.kind === wanted) && (needle === '' || row.textContent.toLowerCase().includes(needle));
        row.hidden = !show;
      }
    };
    kind.addEventListener('change', apply);
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
