/*
 * Behaviour for design-system blocks, so services need no script of their own for the basics
 * (the CSP allows only same-origin script files):
 *   modals  <button data-modal-open="id">, .modal#id.active, [data-modal-close], Escape, backdrop;
 *   tabs    .tabs [role=tab][aria-controls=panel] with .tab-content panels, arrow keys;
 *   toasts  .toast__close removes its toast;
 *   dates   <time datetime data-hm-format="datetime|date|time|precise"> (the SDK's DateTime) is rewritten
 *           in the reader's locale and time zone; the server's UTC text moves to the title.
 */
/* global document, window, navigator */
(() => {
  'use strict';

  const FOCUSABLE =
    'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const openers = new Map();

  function openModal(modal, opener) {
    modal.classList.add('active');
    modal.setAttribute('aria-hidden', 'false');
    openers.set(modal, opener);
    const first = modal.querySelector('.modal__body ' + FOCUSABLE) || modal.querySelector(FOCUSABLE);
    if (first) first.focus();
  }

  function closeModal(modal) {
    modal.classList.remove('active');
    modal.setAttribute('aria-hidden', 'true');
    const opener = openers.get(modal);
    openers.delete(modal);
    if (opener && typeof opener.focus === 'function') opener.focus();
  }

  function selectTab(tab) {
    const list = tab.closest('[role="tablist"]');
    if (!list) return;
    for (const other of list.querySelectorAll('[role="tab"]')) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.setAttribute('tabindex', selected ? '0' : '-1');
      other.classList.toggle('tabs__tab--active', selected);
      const panelId = other.getAttribute('aria-controls');
      const panel = panelId ? document.getElementById(panelId) : null;
      if (panel) {
        panel.classList.toggle('tab-content--active', selected);
        panel.hidden = !selected;
      }
    }
    tab.focus();
  }

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof window.Element)) return;
    const opener = target.closest('[data-modal-open]');
    if (opener) {
      const modal = document.getElementById(opener.getAttribute('data-modal-open') || '');
      if (modal) openModal(modal, opener);
      return;
    }
    const modal = target.closest('.modal.active');
    if (modal && (target === modal || target.closest('[data-modal-close], .modal__close'))) {
      closeModal(modal);
      return;
    }
    const tab = target.closest('[role="tablist"] [role="tab"]');
    if (tab) {
      selectTab(tab);
      return;
    }
    const close = target.closest('.toast__close');
    if (close) close.closest('.toast')?.remove();
  });

  // Intl.DateTimeFormat is built once per style; a locale the browser cannot use falls back to its
  // default, and without Intl the server's UTC text simply stays.
  const STYLES = {
    datetime: { dateStyle: 'medium', timeStyle: 'short' },
    date: { dateStyle: 'medium' },
    time: { timeStyle: 'short' },
    // Log entries: to the millisecond (dateStyle cannot be combined with fractional seconds).
    precise: {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
    },
  };
  const formats = new Map();

  function makeFormat(options) {
    const locales = navigator.languages && navigator.languages.length ? navigator.languages : navigator.language;
    try {
      return new Intl.DateTimeFormat(locales, options);
    } catch {
      try {
        return new Intl.DateTimeFormat(undefined, options);
      } catch {
        return null;
      }
    }
  }

  function formatFor(style, calendar) {
    const key = style + (calendar ? ':utc' : '');
    if (!formats.has(key)) {
      // A calendar date (YYYY-MM-DD) has no zone: read in UTC so it is never shown a day early.
      const options = calendar ? { ...STYLES[style], timeZone: 'UTC' } : STYLES[style];
      formats.set(key, makeFormat(options));
    }
    return formats.get(key);
  }

  function localiseTime(element) {
    if (element.hasAttribute('data-hm-localised')) return;
    const style = element.getAttribute('data-hm-format');
    if (!Object.prototype.hasOwnProperty.call(STYLES, style)) return;
    const calendar = element.getAttribute('data-hm-calendar') === 'true';
    const iso = element.getAttribute('datetime') || '';
    const date = new Date(calendar ? iso + 'T00:00:00Z' : iso);
    const format = typeof Intl === 'object' ? formatFor(style, calendar) : null;
    if (!format || Number.isNaN(date.getTime())) return;
    if (!element.title) element.title = element.textContent || '';
    element.textContent = format.format(date);
    element.setAttribute('data-hm-localised', '');
  }

  function localiseTimes(root) {
    if (root instanceof window.Element && root.matches('time[data-hm-format]')) localiseTime(root);
    if (root.querySelectorAll)
      for (const element of root.querySelectorAll('time[data-hm-format]')) localiseTime(element);
  }

  localiseTimes(document);
  // Pages that add rows later (live logs, fetched panels) get their dates localised as well.
  if (typeof window.MutationObserver === 'function') {
    new window.MutationObserver((records) => {
      for (const record of records)
        for (const node of record.addedNodes) if (node instanceof window.Element) localiseTimes(node);
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      const open = document.querySelectorAll('.modal.active');
      const top = open[open.length - 1];
      if (top) closeModal(top);
      return;
    }
    const target = event.target;
    if (!(target instanceof window.Element) || target.getAttribute('role') !== 'tab') return;
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const tabs = Array.from(target.closest('[role="tablist"]')?.querySelectorAll('[role="tab"]') || []);
    const index = tabs.indexOf(target);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    if (next) {
      event.preventDefault();
      selectTab(next);
    }
  });
})();
