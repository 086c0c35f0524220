/*
 * Side panel behaviour, served by the gateway as a static file (the CSP allows no inline script).
 *
 * Desktop: #sidebar-toggle collapses the panel to icons. The state lives on <html data-sidebar>,
 * which the gateway renders from the user's preference, so the first paint is already right.
 * A change is saved with PUT /api/preferences {sidebarCollapsed}; when that fails (offline, or a
 * gateway without preferences) it is kept in localStorage and retried on the next page.
 * Phones (< 768 px): the panel is a top bar and the same button opens it as a drawer
 * (<html data-sidebar-open>); Escape, the backdrop or following a link closes it.
 */
/* global document, window, localStorage, fetch */
(() => {
  'use strict';

  const PENDING_KEY = 'hivematrix:sidebar-pending';
  const root = document.documentElement;
  const panel = document.getElementById('side-panel');
  const toggle = document.getElementById('sidebar-toggle');
  if (!panel || !toggle) return;
  const narrow = window.matchMedia('(max-width: 767.98px)');

  const storage = {
    get(key) {
      try {
        return localStorage.getItem(key);
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(key, value);
      } catch {
        /* storage disabled: nothing to keep */
      }
    },
    remove(key) {
      try {
        localStorage.removeItem(key);
      } catch {
        /* storage disabled */
      }
    },
  };

  function isCollapsed() {
    return root.getAttribute('data-sidebar') === 'collapsed';
  }

  function isOpen() {
    return root.getAttribute('data-sidebar-open') === 'true';
  }

  /** Keeps the button's state and name in step with what it will do next. */
  function syncButton() {
    if (narrow.matches) {
      toggle.setAttribute('aria-expanded', String(isOpen()));
      toggle.setAttribute('aria-label', isOpen() ? 'Close the menu' : 'Open the menu');
    } else {
      toggle.setAttribute('aria-expanded', String(!isCollapsed()));
      toggle.setAttribute('aria-label', isCollapsed() ? 'Expand the side panel' : 'Collapse the side panel');
    }
  }

  function save(collapsed) {
    storage.set(PENDING_KEY, collapsed ? 'collapsed' : 'expanded');
    fetch('/api/preferences', {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sidebarCollapsed: collapsed }),
    })
      .then((response) => {
        // Stored, or refused as invalid (400/422: retrying cannot help); anything else is retried.
        if (response.ok || response.status === 400 || response.status === 422) storage.remove(PENDING_KEY);
      })
      .catch(() => {
        /* offline: the pending value is retried on the next page */
      });
  }

  function setCollapsed(collapsed, persist) {
    root.setAttribute('data-sidebar', collapsed ? 'collapsed' : 'expanded');
    panel.classList.toggle('collapsed', collapsed);
    syncButton();
    if (persist) save(collapsed);
  }

  function setOpen(open) {
    if (open) root.setAttribute('data-sidebar-open', 'true');
    else root.removeAttribute('data-sidebar-open');
    syncButton();
    if (open) {
      const first = panel.querySelector('.side-panel__nav a, .side-panel__nav button');
      if (first) first.focus();
    }
  }

  toggle.addEventListener('click', () => {
    if (narrow.matches) setOpen(!isOpen());
    else setCollapsed(!isCollapsed(), true);
  });

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen()) {
      setOpen(false);
      toggle.focus();
    }
  });

  document.addEventListener('click', (event) => {
    if (!isOpen()) return;
    const target = event.target;
    if (!(target instanceof window.Element)) return;
    if (target.closest('[data-sidebar-close]') || target.closest('.side-panel__nav a')) setOpen(false);
  });

  narrow.addEventListener('change', () => {
    if (!narrow.matches) root.removeAttribute('data-sidebar-open');
    syncButton();
  });

  // A change the server never stored wins over the server's value, and is sent again.
  const pending = storage.get(PENDING_KEY);
  if (pending === 'collapsed' || pending === 'expanded') setCollapsed(pending === 'collapsed', true);
  else setCollapsed(isCollapsed(), false);
})();
