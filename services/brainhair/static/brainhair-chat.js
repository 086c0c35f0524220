// Brainhair's chat page: sends a message, reads the server-sent events of the answer from the
/* global document, history, fetch, TextDecoder, AbortController, CSS, FormData */
// response body, shows tool calls and approval cards as they arrive, and stops on request.
// Text from the server goes into textContent; only the reply's final HTML (sanitised on the
// server by markdown-it + sanitize-html) is set as HTML.
(() => {
  const root = document.getElementById('brainhair-chat');
  if (!root) return;
  const base = root.dataset.base.endsWith('/') ? root.dataset.base : root.dataset.base + '/';
  let chatId = root.dataset.chatId || '';
  const log = document.getElementById('chat-log');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-input');
  const send = document.getElementById('chat-send');
  const stop = document.getElementById('chat-stop');
  const contextForm = document.getElementById('chat-context');
  let running = null;

  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const api = async (path, init = {}) => {
    const res = await fetch(base + path, {
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...init,
    });
    if (!res.ok) {
      let detail = res.status + ' ' + res.statusText;
      try {
        detail = (await res.json()).detail || detail;
      } catch {
        /* not JSON */
      }
      throw new Error(detail);
    }
    return res.status === 204 ? null : res.json();
  };
  const ensureChat = async () => {
    if (chatId) return chatId;
    const chat = await api('api/chats', { method: 'POST', body: '{}' });
    chatId = chat.id;
    history.replaceState(null, '', base + '?chat=' + chatId);
    return chatId;
  };

  const bubble = (role) => {
    const item = el('article', 'card chat-message chat-message--' + role);
    item.dataset.role = role;
    log.appendChild(item);
    return item;
  };
  const showUser = (text) => bubble('user').appendChild(el('p', null, text));

  const toolItem = (list, id, tool, args) => {
    const li = el('li', 'chat-tool', tool + ' ' + JSON.stringify(args));
    li.dataset.callId = id;
    list.appendChild(li);
    return li;
  };

  const approvalCard = (container, card) => {
    const box = el('div', 'card approval-card');
    box.dataset.approvalId = card.id;
    box.appendChild(el('h3', null, 'Approval needed'));
    box.appendChild(el('p', 'approval-summary', card.summary));
    const pre = (label, value) => {
      box.appendChild(el('h4', null, label));
      box.appendChild(el('pre', null, JSON.stringify(value, null, 2)));
    };
    pre('Before', card.before);
    pre('After', card.after);
    const statusText = (c) => 'Status: ' + c.status + (c.result && c.result.error ? ' (' + c.result.error + ')' : '');
    const status = el('p', 'approval-status', statusText(card));
    box.appendChild(status);
    if (card.status === 'pending') {
      const decide = async (decision) => {
        buttons.forEach((b) => {
          b.disabled = true;
        });
        try {
          const answer = await api('api/approvals/' + card.id + '/decision', {
            method: 'POST',
            body: JSON.stringify({ decision, args_hash: card.args_hash }),
          });
          status.textContent = statusText(answer);
        } catch (error) {
          status.textContent = 'Refused: ' + error.message;
        }
      };
      const approve = el('button', 'btn btn--success btn--small', 'Approve');
      const deny = el('button', 'btn btn--danger btn--small', 'Deny');
      approve.type = 'button';
      deny.type = 'button';
      approve.addEventListener('click', () => void decide('approve'));
      deny.addEventListener('click', () => void decide('deny'));
      const buttons = [approve, deny];
      box.appendChild(approve);
      box.appendChild(deny);
    }
    container.appendChild(box);
  };

  const parseEvents = async (response, handle) => {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('\n');
        if (data) handle(JSON.parse(data));
      }
    }
  };

  const ask = async (text) => {
    await ensureChat();
    showUser(text);
    const reply = bubble('assistant');
    const tools = el('ul', 'chat-tools');
    const body = el('div', 'chat-text');
    const cards = el('div', 'chat-approvals');
    reply.appendChild(tools);
    reply.appendChild(body);
    reply.appendChild(cards);
    const controller = new AbortController();
    running = controller;
    send.disabled = true;
    stop.disabled = false;
    try {
      const res = await fetch(base + 'api/chats/' + chatId + '/messages', {
        method: 'POST',
        credentials: 'same-origin',
        signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ text }),
      });
      if (!res.ok) {
        let detail = res.statusText;
        try {
          detail = (await res.json()).detail || detail;
        } catch {
          /* not JSON */
        }
        body.textContent = 'Error: ' + detail;
        return;
      }
      await parseEvents(res, (event) => {
        if (event.type === 'text') body.textContent += event.delta;
        else if (event.type === 'tool-call') toolItem(tools, event.id, event.tool, event.input);
        else if (event.type === 'tool-result') {
          const li =
            tools.querySelector('[data-call-id="' + CSS.escape(event.id) + '"]') ||
            toolItem(tools, event.id, event.tool, {});
          li.appendChild(el('span', 'chat-tool__result', ' → ' + event.status + ': ' + event.summary));
        } else if (event.type === 'approval') approvalCard(cards, event.approval);
        else if (event.type === 'done') {
          body.innerHTML = event.html;
          reply.dataset.status = event.status;
          const heading = document.querySelector('h1');
          if (event.title && heading) heading.textContent = event.title;
        } else if (event.type === 'error') body.textContent += '\n' + event.detail;
      });
    } catch (error) {
      if (controller.signal.aborted) {
        body.textContent += ' (stopped)';
        reply.dataset.status = 'stopped';
      } else body.textContent = 'Error: ' + error.message;
    } finally {
      running = null;
      send.disabled = false;
      stop.disabled = true;
    }
  };

  const loadChat = async () => {
    if (!chatId) return;
    const data = await api('api/chats/' + chatId);
    for (const message of data.messages) {
      if (message.role === 'user') {
        showUser(message.content);
        continue;
      }
      const reply = bubble('assistant');
      const tools = el('ul', 'chat-tools');
      for (const call of data.tool_calls.filter((c) => c.message_id === message.id))
        toolItem(tools, call.id, call.tool, call.input).appendChild(
          el('span', 'chat-tool__result', ' → ' + call.status),
        );
      const body = el('div', 'chat-text');
      body.innerHTML = message.html;
      reply.appendChild(tools);
      reply.appendChild(body);
    }
    const cards = el('div', 'chat-approvals');
    log.appendChild(cards);
    for (const card of data.approvals) approvalCard(cards, card);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || running) return;
    input.value = '';
    void ask(text);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  stop.addEventListener('click', () => {
    if (!running) return;
    const controller = running;
    void api('api/chats/' + chatId + '/stop', { method: 'POST', body: '{}' })
      .catch(() => undefined)
      .finally(() => controller.abort());
  });
  contextForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(contextForm);
    const account = String(data.get('company_account') || '').trim();
    const ticket = String(data.get('ticket_id') || '').trim();
    void ensureChat()
      .then(() =>
        api('api/chats/' + chatId, {
          method: 'PATCH',
          body: JSON.stringify({ company_account: account || null, ticket_id: ticket ? Number(ticket) : null }),
        }),
      )
      .catch((error) => {
        log.appendChild(el('p', 'alert alert--danger', error.message));
      });
  });
  void loadChat();
})();
