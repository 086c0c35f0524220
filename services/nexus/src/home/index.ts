/** The platform home: its panels read from the services that own the data, the shortcuts, the page. */
export { renderHomePage } from './home-page.js';
export { loadHome } from './panels.js';
export { shortcutsFor } from './shortcuts.js';
