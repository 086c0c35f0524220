// KnowledgeTree, article pages.
//
// 1. Safe inline styles. The server's allow-list keeps a few inline styles (text alignment,
//    table and cell widths, colours), but the gateway's CSP (style-src 'self') stops the browser
//    from applying style attributes. Setting the same declarations through the CSSOM is allowed,
//    so they are re-applied here, property by property, from the already-sanitised attribute.
// 2. The copy button of the context export.
/* global document, navigator */
const ALLOWED = new Set(['text-align', 'width', 'color', 'background-color']);

export function applySafeStyles(root) {
  for (const element of root.querySelectorAll('[style]')) {
    const declarations = element.getAttribute('style') || '';
    for (const declaration of declarations.split(';')) {
      const colon = declaration.indexOf(':');
      if (colon < 0) continue;
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      if (ALLOWED.has(property)) element.style.setProperty(property, value);
    }
  }
}

for (const content of document.querySelectorAll('.kt-article__content')) applySafeStyles(content);

for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = 'Copied';
    } catch {
      source.select();
      button.textContent = 'Select all and copy';
    }
  });
}
