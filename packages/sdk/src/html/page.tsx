/**
 * The document every service page is: complete (`<html>`, `<head>`, `<body>`) so the gateway can
 * inject the design system's stylesheet and side panel, and unstyled, since services ship no CSS
 * (the golden rule of styling). Unlike the original layout it loads nothing from a CDN.
 */
import type { ComponentChildren, JSX } from 'preact';

export interface PageProps {
  /** The page's own title; the document title is `{title} - HiveMatrix`. */
  title: string;
  /** The service's name, shown in the version footer. */
  service: string;
  /** The service's version, shown in the version footer. */
  version?: string;
  /** `<meta name="description">`; defaults to the title. */
  description?: string;
  /** The page content, placed in `<main>`. */
  children?: ComponentChildren;
  /** Extra `<head>` content (e.g. a `JsonScript`). */
  head?: ComponentChildren;
  /** Scripts placed at the end of `<body>` (same-origin only: the CSP allows nothing else). */
  scripts?: ComponentChildren;
}

/** A complete, unstyled HiveMatrix HTML document. Render it with `reply.html(<Page …/>)`. */
export function Page({ title, service, version, description, children, head, scripts }: PageProps): JSX.Element {
  const footer = version === undefined || version === '' ? service : `${service} v${version}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="description" content={description ?? title} />
        <title>{`${title} - HiveMatrix`}</title>
        {head}
      </head>
      <body>
        <main role="main" aria-label="Main content">
          {children}
        </main>
        <footer class="version-footer" role="contentinfo">
          <span class="version-footer__text">{footer}</span>
        </footer>
        {scripts}
      </body>
    </html>
  );
}
