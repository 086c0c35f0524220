// Brainhair's history page: rename and delete a chat through the JSON API.
/* global document, confirm, prompt, fetch */
(() => {
  const list = document.getElementById('history-list');
  if (!list) return;
  const base = list.dataset.base.endsWith('/') ? list.dataset.base : list.dataset.base + '/';
  list.addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const item = button.closest('[data-chat-id]');
    const id = item.dataset.chatId;
    if (button.dataset.action === 'delete') {
      if (!confirm('Delete this chat?')) return;
      const res = await fetch(base + 'api/chats/' + id, { method: 'DELETE', credentials: 'same-origin' });
      if (res.ok) item.remove();
    } else if (button.dataset.action === 'rename') {
      const title = prompt('New title', item.querySelector('.history-title').textContent);
      if (!title) return;
      const res = await fetch(base + 'api/chats/' + id, {
        method: 'PATCH',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      if (res.ok) item.querySelector('.history-title').textContent = (await res.json()).title;
    }
  });
})();
