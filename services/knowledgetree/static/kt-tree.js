// KnowledgeTree folder pages: drag an item of the folder's list onto a folder (another item of the
// list, a folder in the sidebar or a segment of the path bar) to move it there. The move is the
// same form post as the "Move" form below the list (which stays the keyboard way), so the server
// checks it the same way (no cycles, nothing read-only) and the page comes back with a message.
/* global document */
const list = document.querySelector('[data-kt-from]');

function submitMove(action, fields) {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

// The highlight is set through the CSSOM, which the gateway's CSP (style-src 'self') allows.
function highlight(element, on) {
  element.style.outline = on ? '2px dashed currentColor' : '';
  element.style.outlineOffset = on ? '2px' : '';
}

if (list) {
  const from = list.dataset.ktFrom;
  let dragged;
  for (const item of list.querySelectorAll('[data-kt-move]')) {
    item.setAttribute('draggable', 'true');
    item.addEventListener('dragstart', (event) => {
      dragged = item;
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', item.textContent.trim());
      item.style.opacity = '0.5';
    });
    item.addEventListener('dragend', () => {
      item.style.opacity = '';
      dragged = undefined;
    });
  }
  for (const target of document.querySelectorAll('[data-kt-folder]')) {
    // Not onto itself, and not onto the folder it is already in.
    const accepts = () => dragged !== undefined && target !== dragged && target.dataset.ktFolder !== from;
    target.addEventListener('dragover', (event) => {
      if (!accepts()) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      highlight(target, true);
    });
    target.addEventListener('dragleave', () => highlight(target, false));
    target.addEventListener('drop', (event) => {
      highlight(target, false);
      if (!accepts()) return;
      event.preventDefault();
      submitMove(dragged.dataset.ktMove, { parent_id: target.dataset.ktFolder, from });
    });
  }
}
