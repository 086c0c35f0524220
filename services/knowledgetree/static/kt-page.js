// KnowledgeTree, every page: confirm before destructive forms (data-confirm).
/* global document, window */
for (const form of document.querySelectorAll('form[data-confirm]')) {
  form.addEventListener('submit', (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
