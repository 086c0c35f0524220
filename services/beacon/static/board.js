/*
 * Beacon's live board (staff boards and wall screens). Settings come from the page's
 * #beacon-config JSON element (the CSP allows no inline script). Rows arrive over server-sent
 * events: a `snapshot`, then `patch`es. Every ticket field is put in the page as a text node
 * (textContent), never as HTML.
 */
/* global document, window, localStorage, fetch, history, setTimeout, setInterval, EventSource, AudioContext, URL, HTMLElement */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('beacon-config').textContent);
  var SECTIONS = ['needs_response', 'customer_replied', 'needs_attention', 'other'];
  var rows = new Map();
  var seen = new Set();
  var highlighted = new Map();
  var first = true;
  var meta = null;
  var sort = parseSort(config.sort || localStorage.getItem('beacon.sort.' + config.mode) || '');
  var source = null;
  var blanked = false;

  function parseSort(text) {
    var parts = text.split(':');
    return parts[0] ? { column: parts[0], dir: parts[1] === 'desc' ? 'desc' : 'asc' } : null;
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function ago(iso) {
    if (!iso) return '';
    var minutes = Math.floor((Date.now() - new Date(iso).getTime()) / 60000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return minutes + ' min ago';
    if (minutes < 48 * 60) return Math.floor(minutes / 60) + ' h ago';
    return Math.floor(minutes / 1440) + ' days ago';
  }
  function local(iso) {
    return iso ? new Date(iso).toLocaleString() : '';
  }
  function safeUrl(url) {
    return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
  }

  // Sound: a short beep through Web Audio, only when the user turned it on (kept per browser).
  var soundToggle = document.getElementById('sound-toggle');
  if (soundToggle) {
    soundToggle.checked = localStorage.getItem('beacon.sound') === 'on';
    soundToggle.addEventListener('change', function () {
      localStorage.setItem('beacon.sound', soundToggle.checked ? 'on' : 'off');
    });
  }
  function beep() {
    if (!soundToggle || !soundToggle.checked || !window.AudioContext) return;
    try {
      var context = new AudioContext();
      var oscillator = context.createOscillator();
      oscillator.frequency.value = 880;
      oscillator.connect(context.destination);
      oscillator.start();
      oscillator.stop(context.currentTime + 0.2);
    } catch {
      /* audio not allowed yet */
    }
  }

  function value(row, column) {
    switch (column) {
      case 'number':
        return Number(row.number) || row.number || '';
      case 'priority':
        return row.priority_rank || 0;
      case 'sla':
        return ['overdue', 'critical', 'warning', 'normal', 'responded', 'in_progress'].indexOf(row.sla);
      case 'updated':
        return row.updated_at || '';
      case 'created':
        return row.created_at || '';
      default:
        return (row[column] || '').toString().toLowerCase();
    }
  }
  function compare(a, b) {
    if (sort) {
      var x = value(a, sort.column),
        y = value(b, sort.column);
      if (x < y) return sort.dir === 'asc' ? -1 : 1;
      if (x > y) return sort.dir === 'asc' ? 1 : -1;
    }
    return (
      b.priority_rank - a.priority_rank ||
      (a.updated_at < b.updated_at ? -1 : a.updated_at > b.updated_at ? 1 : 0) ||
      a.id - b.id
    );
  }

  function cell(row, column) {
    var td = el('td');
    switch (column) {
      case 'number':
        var url = safeUrl(row.psa_url);
        if (url && config.mode === 'board') {
          var link = el('a', null, row.number);
          link.href = url;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          link.title = 'Open in the PSA';
          td.appendChild(link);
        } else td.textContent = row.number || '';
        break;
      case 'subject':
        var subject = row.subject || '';
        var shown = subject.length > 80 ? subject.slice(0, 79) + '…' : subject;
        if (config.mode === 'board') {
          var button = el('button', 'btn btn--ghost btn--small', shown);
          button.type = 'button';
          button.title = subject;
          button.dataset.ticket = String(row.id);
          td.appendChild(button);
        } else {
          td.textContent = shown;
          td.title = subject;
        }
        break;
      case 'agent':
        td.textContent = row.agent || 'Unassigned';
        break;
      case 'priority':
        td.appendChild(
          el('span', 'priority-badge priority-badge--' + String(row.priority).replace(/[^a-z]/g, ''), row.priority),
        );
        break;
      case 'status':
        td.textContent = String(row.status || '').replace(/_/g, ' ');
        break;
      case 'sla':
        var span = el('span', 'sla-status sla-' + String(row.sla).replace(/_/g, '-'), row.reason);
        td.appendChild(span);
        if (row.due_at && (row.sla === 'critical' || row.sla === 'warning'))
          td.appendChild(el('div', 'u-text-xs u-text-muted', 'Due: ' + local(row.due_at)));
        break;
      case 'updated':
        td.textContent = ago(row.updated_at);
        td.title = local(row.updated_at);
        break;
      case 'created':
        td.textContent = row.created_at
          ? Math.floor((Date.now() - new Date(row.created_at).getTime()) / 86400000) + ' days old'
          : '';
        break;
      default:
        td.textContent = row[column] === null || row[column] === undefined ? '' : String(row[column]);
    }
    return td;
  }

  function render() {
    if (blanked) return;
    var groups = {};
    SECTIONS.forEach(function (s) {
      groups[s] = [];
    });
    rows.forEach(function (row) {
      (groups[row.section] || groups.other).push(row);
    });
    var now = Date.now();
    SECTIONS.forEach(function (section) {
      var body = document.querySelector('tbody[data-section="' + section + '"]');
      if (!body) return;
      var list = groups[section].sort(compare);
      var fragment = document.createDocumentFragment();
      list.forEach(function (row) {
        var tr = el('tr');
        tr.dataset.id = String(row.id);
        var until = highlighted.get(row.id);
        if (until && until > now) tr.className = 'pulse-red';
        config.columns.forEach(function (column) {
          tr.appendChild(cell(row, column));
        });
        fragment.appendChild(tr);
      });
      body.replaceChildren(fragment);
      var count = document.querySelector('[data-count="' + section + '"]');
      if (count) count.textContent = String(list.length);
      var empty = document.querySelector('[data-empty="' + section + '"]');
      if (empty) empty.hidden = list.length > 0;
    });
    var total = rows.size;
    var thresholds = config.countThresholds;
    var wrapper = document.getElementById('total-wrapper');
    document.getElementById('total-count').textContent = String(total);
    var level =
      total >= thresholds[3]
        ? 'count-emergency'
        : total >= thresholds[2]
          ? 'count-critical'
          : total >= thresholds[1]
            ? 'count-danger'
            : total >= thresholds[0]
              ? 'count-warning'
              : '';
    wrapper.className = 'ticket-count-wrapper' + (level ? ' ' + level : '');
    ['siren-left', 'siren-right'].forEach(function (id) {
      var s = document.getElementById(id);
      if (s) s.classList.toggle('active', level === 'count-emergency');
    });
    document.querySelectorAll('th[data-column]').forEach(function (th) {
      var active = sort && sort.column === th.dataset.column;
      th.setAttribute('aria-sort', active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    });
    if (meta) {
      document.getElementById('last-sync').textContent = meta.last_sync_at
        ? local(meta.last_sync_at) + ' (' + ago(meta.last_sync_at) + ')'
        : 'never';
      document.getElementById('fetched-at').textContent = meta.fetched_at ? local(meta.fetched_at) : '…';
      document.getElementById('stale-banner').hidden = !meta.stale;
      document.getElementById('stale-text').textContent = meta.last_sync_at
        ? "Codex's last ticket sync was " + ago(meta.last_sync_at) + '.'
        : 'Codex has not synced tickets from the PSA yet.';
      document.getElementById('error-banner').hidden = !meta.error;
      document.getElementById('error-text').textContent = meta.error || '';
    }
  }

  function take(row, isNew) {
    var before = rows.get(row.id);
    var fresh = isNew && !seen.has(row.id);
    var wentOverdue = !first && row.sla === 'overdue' && (!before || before.sla !== 'overdue');
    if (!first && (fresh || wentOverdue)) {
      highlighted.set(row.id, Date.now() + 60000);
      return true;
    }
    return false;
  }

  function onSnapshot(data) {
    var alert = false;
    var next = new Map();
    data.rows.forEach(function (row) {
      if (take(row, true)) alert = true;
      next.set(row.id, row);
      seen.add(row.id);
    });
    rows = next;
    meta = data.meta;
    first = false;
    render();
    if (alert) beep();
  }
  function onPatch(data) {
    var alert = false;
    data.removed.forEach(function (id) {
      rows.delete(id);
    });
    data.upserts.forEach(function (row) {
      if (take(row, true)) alert = true;
      rows.set(row.id, row);
      seen.add(row.id);
    });
    meta = data.meta;
    render();
    if (alert) beep();
  }

  function blank(message) {
    blanked = true;
    if (source) source.close();
    var main = document.querySelector('main');
    main.replaceChildren(el('p', 'u-text-muted u-p-4', message));
  }

  function connect() {
    var state = document.getElementById('connection-state');
    source = new EventSource(config.events);
    source.addEventListener('open', function () {
      state.textContent = 'Live';
    });
    source.addEventListener('snapshot', function (event) {
      onSnapshot(JSON.parse(event.data));
    });
    source.addEventListener('patch', function (event) {
      onPatch(JSON.parse(event.data));
    });
    source.addEventListener('revoked', function () {
      blank('This display link is no longer valid.');
    });
    source.addEventListener('error', function () {
      if (blanked) return;
      state.textContent = 'Reconnecting…';
      // A wall screen whose link is gone gets a 404 on reconnecting: the browser gives up; so do we.
      if (source.readyState === EventSource.CLOSED) {
        if (config.mode === 'display') blank('This display link is no longer valid.');
        else setTimeout(connect, 5000);
      }
    });
  }

  document.querySelectorAll('button[data-sort]').forEach(function (button) {
    button.addEventListener('click', function () {
      var column = button.dataset.sort;
      sort =
        sort && sort.column === column && sort.dir === 'asc'
          ? { column: column, dir: 'desc' }
          : { column: column, dir: 'asc' };
      var text = sort.column + ':' + sort.dir;
      localStorage.setItem('beacon.sort.' + config.mode, text);
      if (config.mode === 'board') {
        var url = new URL(window.location.href);
        url.searchParams.set('sort', text);
        history.replaceState(null, '', url.toString());
        var field = document.getElementById('sort-field');
        if (field) field.value = text;
      }
      render();
    });
  });

  // The ticket panel: description and conversation as text, the PSA link, time since the last agent reply.
  var panel = document.getElementById('ticket-panel');
  // aria-hidden follows the panel: the gateway's components.js sets it to true when it closes a
  // modal (Escape, backdrop), and a panel reopened without resetting it is invisible to screen readers.
  function closePanel() {
    if (!panel) return;
    panel.classList.remove('active');
    panel.setAttribute('aria-hidden', 'true');
  }
  function detail(label, text) {
    var row = el('div', 'modal__detail-row');
    row.appendChild(el('span', 'modal__detail-label', label));
    row.appendChild(el('span', 'modal__detail-value', text));
    return row;
  }
  function conversationEntry(entry) {
    var item = el('div', 'card u-p-2 u-mb-2');
    item.appendChild(
      el(
        'div',
        'u-text-xs u-text-muted',
        (entry.incoming ? 'From ' : 'Agent ') +
          (entry.from || '') +
          (entry.private ? ' (private note)' : '') +
          ' · ' +
          local(entry.at),
      ),
    );
    item.appendChild(el('div', 'u-text-pre-wrap', entry.text));
    return item;
  }

  // "Add a note": codex writes it to the ticket's PSA with the user's own token. Private unless
  // unticked, and a public note reaches the customer, so unticking says so. On a refusal the
  // text stays in the box with codex's reason beside it.
  function noteForm(ticketId, conversation) {
    var form = el('form', 'u-mt-3');
    form.setAttribute('aria-label', 'Add a note');
    form.noValidate = true;
    var textGroup = el('div', 'form-group');
    var label = el('label', 'form-group__label', 'Add a note');
    label.htmlFor = 'note-body';
    var text = el('textarea', 'form-group__input');
    text.id = 'note-body';
    text.name = 'body';
    text.rows = 3;
    text.maxLength = 10000;
    textGroup.appendChild(label);
    textGroup.appendChild(text);
    var checkGroup = el('div', 'form-group');
    var checkWrapper = el('div', 'form-group__checkbox-wrapper');
    var check = el('input', 'form-group__checkbox');
    check.type = 'checkbox';
    check.id = 'note-private';
    check.name = 'private';
    check.checked = true;
    var checkLabel = el('label', 'form-group__checkbox-label', 'Private (agents only)');
    checkLabel.htmlFor = 'note-private';
    checkWrapper.appendChild(check);
    checkWrapper.appendChild(checkLabel);
    checkGroup.appendChild(checkWrapper);
    var warning = el(
      'p',
      'u-text-danger',
      'Not private: the customer will see this note (the PSA may e-mail it to them).',
    );
    warning.id = 'note-public-warning';
    warning.hidden = true;
    check.addEventListener('change', function () {
      warning.hidden = check.checked;
    });
    var button = el('button', 'btn btn--secondary btn--small', 'Add note');
    button.type = 'submit';
    var status = el('p', 'u-text-xs u-text-muted');
    status.id = 'note-status';
    status.setAttribute('role', 'status');
    function say(message, failed) {
      status.className = failed ? 'u-text-danger' : 'u-text-xs u-text-muted';
      status.textContent = message;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var note = text.value.trim();
      if (!note) return say('Write the note first.', true);
      if (note.length > 10000) return say('A note holds at most 10,000 characters.', true);
      button.disabled = true;
      say('Adding…', false);
      // As "Sync now": same-origin, so the gateway's CSRF check (Origin, Sec-Fetch-Site) passes.
      fetch(config.ticketUrl + encodeURIComponent(ticketId) + '/notes', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ body: note, private: check.checked }),
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (answer) {
              if (!response.ok) throw new Error(answer.detail || 'HTTP ' + response.status);
              return answer;
            });
        })
        .then(function (answer) {
          var placeholder = conversation.querySelector('p.u-text-muted');
          if (placeholder) placeholder.remove();
          conversation.appendChild(
            conversationEntry({
              incoming: false,
              from: '(you)',
              private: answer.note.private,
              at: answer.note.created_at,
              text: answer.note.body_text,
            }),
          );
          text.value = '';
          check.checked = true;
          warning.hidden = true;
          say(answer.pushed_to ? 'Note added (written to ' + answer.pushed_to + ').' : 'Note added.', false);
        })
        .catch(function (error) {
          say('The note was not added: ' + error.message, true);
        })
        .then(function () {
          button.disabled = false;
        });
    });
    form.appendChild(textGroup);
    form.appendChild(checkGroup);
    form.appendChild(warning);
    var footer = el('div', 'action-footer');
    footer.appendChild(button);
    form.appendChild(footer);
    form.appendChild(status);
    return form;
  }

  function openTicket(id) {
    var body = document.getElementById('ticket-panel-body');
    document.getElementById('ticket-panel-title').textContent = 'Ticket';
    body.replaceChildren(el('p', 'u-text-muted', 'Loading…'));
    panel.classList.add('active');
    panel.setAttribute('aria-hidden', 'false');
    fetch(config.ticketUrl + encodeURIComponent(id), {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (t) {
        document.getElementById('ticket-panel-title').textContent = 'Ticket #' + t.number + ': ' + t.subject;
        var details = el('div', 'modal__details');
        details.appendChild(detail('Company', t.company || ''));
        details.appendChild(
          detail('Requester', (t.requester || '') + (t.requester_email ? ' <' + t.requester_email + '>' : '')),
        );
        details.appendChild(detail('Agent', t.agent || 'Unassigned'));
        details.appendChild(detail('Priority', t.priority));
        details.appendChild(detail('Status', String(t.status).replace(/_/g, ' ')));
        details.appendChild(detail('Created', local(t.created_at) + ' (' + ago(t.created_at) + ')'));
        details.appendChild(detail('Updated', local(t.updated_at) + ' (' + ago(t.updated_at) + ')'));
        details.appendChild(
          detail('Last agent reply', t.last_agent_reply_at ? ago(t.last_agent_reply_at) : 'no agent reply yet'),
        );
        var parts = [details];
        var url = safeUrl(t.psa_url);
        if (url) {
          var link = el('a', 'btn btn--secondary btn--small u-mt-2', 'Open in the PSA');
          link.href = url;
          link.target = '_blank';
          link.rel = 'noopener noreferrer';
          parts.push(link);
        }
        parts.push(el('h3', 'u-mt-3', 'Description'));
        parts.push(el('div', 'u-text-pre-wrap', t.description || '(no description)'));
        parts.push(el('h3', 'u-mt-3', 'Conversation'));
        var conversation = el('div');
        conversation.id = 'ticket-conversation';
        if (t.conversation.length === 0) conversation.appendChild(el('p', 'u-text-muted', 'No replies yet.'));
        t.conversation.forEach(function (entry) {
          conversation.appendChild(conversationEntry(entry));
        });
        parts.push(conversation);
        parts.push(noteForm(t.id, conversation));
        body.replaceChildren.apply(body, parts);
      })
      .catch(function (error) {
        body.replaceChildren(el('p', 'u-text-danger', 'Could not load the ticket (' + error.message + ').'));
      });
  }
  if (panel) {
    document.addEventListener('click', function (event) {
      var target = event.target;
      if (target instanceof HTMLElement && target.dataset.ticket) openTicket(target.dataset.ticket);
    });
    document.getElementById('ticket-panel-close').addEventListener('click', closePanel);
    panel.addEventListener('click', function (event) {
      if (event.target === panel) closePanel();
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') closePanel();
    });
  }

  // "Sync now": codex runs it with the signed-in user's own authority; progress is polled.
  var syncButton = document.getElementById('sync-now');
  if (syncButton && config.syncUrl) {
    var status = document.getElementById('sync-status');
    syncButton.addEventListener('click', function () {
      syncButton.disabled = true;
      status.textContent = 'Starting…';
      fetch(config.syncUrl, { method: 'POST', headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.detail || 'HTTP ' + response.status);
            return body;
          });
        })
        .then(function poll(run) {
          status.textContent =
            run.status === 'running'
              ? 'Syncing: ' + (run.phase || '…') + ' (' + run.fetched + ' fetched)'
              : run.status === 'succeeded'
                ? 'Sync complete'
                : 'Sync ' + run.status + (run.errors.length ? ': ' + run.errors[0] : '');
          if (run.status !== 'running') {
            syncButton.disabled = false;
            return;
          }
          return new Promise(function (resolve) {
            setTimeout(resolve, 2000);
          })
            .then(function () {
              return fetch(config.syncRunUrl + run.id, {
                headers: { accept: 'application/json' },
                credentials: 'same-origin',
              });
            })
            .then(function (response) {
              if (!response.ok) throw new Error('HTTP ' + response.status);
              return response.json();
            })
            .then(poll);
        })
        .catch(function (error) {
          status.textContent = 'Sync failed: ' + error.message;
          syncButton.disabled = false;
        });
    });
  }

  setInterval(render, 30000);
  connect();
})();
