/*
 * Light/dark theme and accent colour, served by the gateway as a static file (no inline script).
 *
 * #theme-toggle-btn flips <html data-theme> at once and saves PUT /api/preferences {theme};
 * any element with data-accent-option="<accent>" sets <html data-color-theme> and saves
 * {accent}; data-theme-option="light|dark" sets the theme. A save that fails is kept in
 * localStorage and retried on the next page, so the choice is never lost.
 */
/* global document, window, localStorage, fetch */
(() => {
  'use strict';

  const ACCENTS = ['purple', 'blue', 'green', 'teal', 'orange', 'red', 'pink', 'gold', 'yellow', 'bee', 'matrix'];
  const PENDING_KEY = 'hivematrix:appearance-pending';
  const root = document.documentElement;

  function readPending() {
    try {
      const value = JSON.parse(localStorage.getItem(PENDING_KEY) || '{}');
      return value && typeof value === 'object' ? value : {};
    } catch {
      return {};
    }
  }

  function writePending(value) {
    try {
      if (Object.keys(value).length === 0) localStorage.removeItem(PENDING_KEY);
      else localStorage.setItem(PENDING_KEY, JSON.stringify(value));
    } catch {
      /* storage disabled: nothing to keep */
    }
  }

  /** Saves one preference; only what the server acknowledged leaves the pending set. */
  function save(change) {
    writePending(Object.assign(readPending(), change));
    fetch('/api/preferences', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(change),
    })
      .then((response) => {
        // Stored, or refused as invalid (400/422: retrying cannot help); anything else is retried.
        if (!response.ok && response.status !== 400 && response.status !== 422) return;
        const pending = readPending();
        for (const key of Object.keys(change)) if (pending[key] === change[key]) delete pending[key];
        writePending(pending);
      })
      .catch(() => {
        /* offline: retried on the next page */
      });
  }

  function syncControls() {
    const dark = root.getAttribute('data-theme') === 'dark';
    const accent = root.getAttribute('data-color-theme');
    const toggle = document.getElementById('theme-toggle-btn');
    if (toggle) {
      toggle.setAttribute('aria-pressed', String(dark));
      toggle.setAttribute('title', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
    }
    for (const option of document.querySelectorAll('[data-accent-option]')) {
      const selected = option.getAttribute('data-accent-option') === accent;
      option.classList.toggle('selected', selected);
      option.setAttribute('aria-pressed', String(selected));
    }
    for (const option of document.querySelectorAll('[data-theme-option]')) {
      const selected = option.getAttribute('data-theme-option') === (dark ? 'dark' : 'light');
      option.classList.toggle('selected', selected);
      option.setAttribute('aria-pressed', String(selected));
    }
  }

  function setTheme(theme, persist) {
    if (theme !== 'light' && theme !== 'dark') return;
    root.setAttribute('data-theme', theme);
    syncControls();
    if (persist) save({ theme });
  }

  function setAccent(accent, persist) {
    if (!ACCENTS.includes(accent)) return;
    root.setAttribute('data-color-theme', accent);
    syncControls();
    if (persist) save({ accent });
  }

  document.addEventListener('click', (event) => {
    const target = event.target;
    if (!(target instanceof window.Element)) return;
    if (target.closest('#theme-toggle-btn')) {
      setTheme(root.getAttribute('data-theme') === 'dark' ? 'light' : 'dark', true);
      return;
    }
    const accentOption = target.closest('[data-accent-option]');
    if (accentOption) {
      setAccent(accentOption.getAttribute('data-accent-option'), true);
      return;
    }
    const themeOption = target.closest('[data-theme-option]');
    if (themeOption) setTheme(themeOption.getAttribute('data-theme-option'), true);
  });

  const pending = readPending();
  if (typeof pending.theme === 'string') setTheme(pending.theme, true);
  if (typeof pending.accent === 'string') setAccent(pending.accent, true);
  syncControls();
})();
