// Helm's logs page: the live follow toggle. When checked, it opens the stream of new entries that
// match the page's filters (server-sent events, GET /api/logs/stream) and puts each one on top of
// the table; unchecking closes it. Every value is set as text, never as HTML.
/* global document, EventSource */
(() => {
  const toggle = document.getElementById('logs-follow');
  const holder = document.getElementById('logs-entries');
  const status = document.getElementById('logs-status');
  if (!toggle || !holder) return;
  const tbody = holder.querySelector('tbody');
  let source = null;

  const say = (text) => {
    if (status) status.textContent = text;
  };
  const cell = (text) => {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
  };

  function addRow(entry) {
    const empty = tbody.querySelector('td[colspan]');
    if (empty) empty.parentElement.remove();
    const row = document.createElement('tr');
    // The time as the server renders it (the SDK's DateTime): components.js puts it in the reader's locale.
    const when = document.createElement('td');
    const time = document.createElement('time');
    time.setAttribute('datetime', entry.timestamp);
    time.setAttribute('data-hm-format', 'precise');
    time.textContent = entry.timestamp;
    when.append(time);
    row.append(when, cell(entry.service), cell(entry.level), cell(entry.message));
    const trace = document.createElement('td');
    if (entry.trace_id) {
      const link = document.createElement('a');
      link.href = holder.dataset.traceBase + '?trace_id=' + encodeURIComponent(entry.trace_id);
      link.textContent = entry.trace_id;
      trace.append(link);
    }
    row.append(trace);
    tbody.prepend(row);
    while (tbody.rows.length > 500) tbody.deleteRow(-1);
  }

  toggle.addEventListener('change', () => {
    if (source) {
      source.close();
      source = null;
    }
    if (!toggle.checked) {
      say('');
      return;
    }
    source = new EventSource(toggle.dataset.stream);
    say('Following…');
    source.addEventListener('open', () => say('Following new entries'));
    source.addEventListener('error', () => say('Reconnecting…'));
    source.addEventListener('log', (event) => {
      try {
        addRow(JSON.parse(event.data));
      } catch {
        /* a malformed event is skipped */
      }
    });
  });
})();
