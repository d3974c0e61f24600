/**
 * Layout checks run inside the page: nothing scrolls sideways, no element's content is wider
 * than its box (cut off or spilling), no element sticks out of its parent, and every select
 * shows its chosen option in full (the "always overwr" check). The script is plain browser
 * JavaScript (the project's type-check has no DOM library).
 */
import type { Page } from 'playwright-core';

/** Arrow and inner spacing Chromium draws inside a select besides its padding, in px. */
const SELECT_ARROW_PX = 18;

const CHECK = `((arrow) => {
  const problems = [];
  const name = (el) => {
    const id = el.id === '' ? '' : '#' + el.id;
    const cls = typeof el.className === 'string' && el.className.trim() !== '' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + id + cls + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push('the page scrolls sideways: ' + root.scrollWidth + ' > ' + root.clientWidth);
  const canvas = document.createElement('canvas').getContext('2d');
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    if (el.closest('.visually-hidden, svg, script, noscript')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    const tag = el.tagName;
    // Text fields scroll their own value by design; everything else must fit its box.
    if (tag !== 'INPUT' && tag !== 'TEXTAREA' && tag !== 'SELECT' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      problems.push(name(el) + ': content ' + el.scrollWidth + 'px wider than its box ' + el.clientWidth + 'px');
    const parent = el.parentElement;
    if (parent !== null && parent !== document.body && getComputedStyle(parent).display !== 'inline') {
      const outer = parent.getBoundingClientRect();
      if (rect.right > outer.right + 1 || rect.left < outer.left - 1)
        problems.push(name(el) + ' sticks out of ' + name(parent));
    }
    if (tag === 'SELECT' && canvas !== null) {
      const chosen = el.selectedIndex >= 0 ? el.options[el.selectedIndex].text : '';
      canvas.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
      const needed = canvas.measureText(chosen).width;
      const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - arrow;
      if (needed > room) problems.push(name(el) + ': "' + chosen + '" needs ' + Math.ceil(needed) + 'px, the select shows ' + Math.floor(room) + 'px');
    }
  }
  return problems;
})(${SELECT_ARROW_PX})`;

export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(CHECK);
}

const UNLABELLED = `(() => Array.from(document.querySelectorAll('input, select, textarea, button'))
  .filter((el) => el.type !== 'hidden' && !el.closest('.visually-hidden') && el.getAttribute('aria-hidden') !== 'true')
  .filter((el) => {
    const named = (el.labels && el.labels.length > 0) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    const text = el.tagName === 'BUTTON' ? (el.textContent || '').trim() : '';
    return !named && text === '';
  })
  .map((el) => el.outerHTML.slice(0, 120)))()`;

/** Form controls a screen reader could not name (no label, no aria-label, no button text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(UNLABELLED);
}
