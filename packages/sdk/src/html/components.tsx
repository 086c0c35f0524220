/**
 * Design-system building blocks: cards, buttons, alerts, badges, page headers, empty states.
 *
 * They emit the BEM classes of the global stylesheet the gateway injects (reference §4.2) and no
 * styling of their own. Every value goes through JSX, so it is escaped; links go through
 * `safeHref`, so no `javascript:` URL can reach an `href`.
 */
import type { ComponentChildren, JSX } from 'preact';

/** Joins the truthy class names with spaces. */
export function classNames(...names: (string | false | null | undefined)[]): string {
  return names.filter((name): name is string => typeof name === 'string' && name !== '').join(' ');
}

/** Schemes a link may use; relative URLs (no scheme) are always fine. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

/**
 * `href` when it is safe to put in a link, else `undefined`. Refuses `javascript:`, `data:`,
 * `vbscript:` and every other scheme but http(s), mailto and tel, including the obfuscated forms
 * browsers still honour (leading spaces or control characters, tabs or newlines inside the scheme).
 */
export function safeHref(href: string): string | undefined {
  // Browsers strip leading C0 controls and spaces and drop tabs and newlines before reading the
  // scheme (WHATWG URL "basic URL parser"), so `\tjava\nscript:` is javascript:.
  // eslint-disable-next-line no-control-regex -- control characters are what browsers strip
  const cleaned = href.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+/, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1];
  if (scheme === undefined) return href;
  return SAFE_SCHEMES.has(scheme.toLowerCase()) ? href : undefined;
}

/** Heading levels a component may use, so a page keeps one `h1` (the page header's). */
export type HeadingLevel = 2 | 3 | 4;

function Heading({
  level,
  class: className,
  children,
}: {
  level: HeadingLevel;
  class: string;
  children: ComponentChildren;
}): JSX.Element {
  if (level === 3) return <h3 class={className}>{children}</h3>;
  if (level === 4) return <h4 class={className}>{children}</h4>;
  return <h2 class={className}>{children}</h2>;
}

export interface CardProps {
  title?: ComponentChildren;
  /** Buttons shown at the right of the header. */
  actions?: ComponentChildren;
  /** Colours the header (`card__header--x`). */
  variant?: 'success' | 'danger' | 'warning';
  headingLevel?: HeadingLevel;
  /** Extra classes, e.g. utilities (`u-mb-2`). */
  class?: string;
  id?: string;
  children?: ComponentChildren;
}

/** `.card` with an optional header (title, actions) and a body. */
export function Card({
  title,
  actions,
  variant,
  headingLevel = 2,
  class: extra,
  id,
  children,
}: CardProps): JSX.Element {
  const hasHeader = title !== undefined || actions !== undefined;
  return (
    <div class={classNames('card', extra)} id={id}>
      {hasHeader && (
        <div class={classNames('card__header', variant !== undefined && `card__header--${variant}`)}>
          {title !== undefined && (
            <Heading level={headingLevel} class="card__title">
              {title}
            </Heading>
          )}
          {actions !== undefined && <div class="card__header-actions">{actions}</div>}
        </div>
      )}
      <div class="card__body">{children}</div>
    </div>
  );
}

export type ButtonVariant = 'primary' | 'secondary' | 'success' | 'danger' | 'warning' | 'ghost';

export interface ButtonProps {
  /** Default `primary`. */
  variant?: ButtonVariant;
  small?: boolean;
  /** Makes it a link styled as a button; unsafe URLs (`javascript:`) are refused. */
  href?: string;
  /** Default `button`, so a button never submits a form by accident; say `submit` to submit. */
  type?: 'button' | 'submit' | 'reset';
  children?: ComponentChildren;
  class?: string;
  id?: string;
  name?: string;
  value?: string;
  title?: string;
  disabled?: boolean;
  form?: string;
  /** For links only; `_blank` gets `rel="noopener noreferrer"`. */
  target?: '_blank' | '_self';
  [attribute: `aria-${string}`]: string | boolean | undefined;
  [attribute: `data-${string}`]: string | undefined;
}

/** `aria-*` and `data-*` attributes only: never event handlers or anything else a spread could smuggle. */
const PASS_THROUGH = /^(aria|data)-[a-z0-9-]+$/;

function passThroughAttributes(props: object): Record<string, string | boolean> {
  const attributes: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(props)) {
    if (PASS_THROUGH.test(key) && (typeof value === 'string' || typeof value === 'boolean')) attributes[key] = value;
  }
  return attributes;
}

/**
 * `.btn.btn--x`: a `<button>`, or an `<a>` when `href` is given. A refused or disabled link is
 * rendered without `href` and with `aria-disabled`, so the page still renders but links nowhere.
 */
export function Button(props: ButtonProps): JSX.Element {
  const {
    variant = 'primary',
    small = false,
    href,
    type = 'button',
    children,
    id,
    name,
    value,
    title,
    disabled,
    form,
    target,
  } = props;
  const className = classNames('btn', `btn--${variant}`, small && 'btn--small', props.class);
  const extra = passThroughAttributes(props);
  if (href !== undefined) {
    const safe = disabled === true ? undefined : safeHref(href);
    if (safe === undefined) {
      return (
        <a {...extra} class={className} id={id} title={title} role="link" aria-disabled="true">
          {children}
        </a>
      );
    }
    const rel = target === '_blank' ? 'noopener noreferrer' : undefined;
    return (
      <a {...extra} class={className} href={safe} id={id} title={title} target={target} rel={rel}>
        {children}
      </a>
    );
  }
  return (
    <button
      {...extra}
      type={type}
      class={className}
      id={id}
      name={name}
      value={value}
      title={title}
      disabled={disabled}
      form={form}
    >
      {children}
    </button>
  );
}

export interface AlertProps {
  variant: 'success' | 'error' | 'warning' | 'info';
  title?: ComponentChildren;
  children?: ComponentChildren;
  class?: string;
}

/** `.alert.alert--x`; errors are `role="alert"` (announced at once), the rest `role="status"`. */
export function Alert({ variant, title, children, class: extra }: AlertProps): JSX.Element {
  return (
    <div class={classNames('alert', `alert--${variant}`, extra)} role={variant === 'error' ? 'alert' : 'status'}>
      {title !== undefined && <p class="alert__title">{title}</p>}
      <div class="alert__message">{children}</div>
    </div>
  );
}

export interface BadgeProps {
  variant?: 'success' | 'danger' | 'warning' | 'info' | 'gold' | 'platinum';
  children?: ComponentChildren;
  class?: string;
}

/** `.badge` pill, optionally `.badge--x`. */
export function Badge({ variant, children, class: extra }: BadgeProps): JSX.Element {
  return <span class={classNames('badge', variant !== undefined && `badge--${variant}`, extra)}>{children}</span>;
}

export interface PageHeaderProps {
  title: ComponentChildren;
  description?: ComponentChildren;
  actions?: ComponentChildren;
}

/** `.page-header`: the page's `h1`, an optional description and actions. */
export function PageHeader({ title, description, actions }: PageHeaderProps): JSX.Element {
  return (
    <header class="page-header">
      <div class="page-header__content">
        <h1 class="page-header__title">{title}</h1>
        {description !== undefined && <p class="page-header__description">{description}</p>}
      </div>
      {actions !== undefined && <div class="page-header__actions">{actions}</div>}
    </header>
  );
}

export interface EmptyStateProps {
  title: ComponentChildren;
  /** How to fill the list: where its items come from, or what to do first. */
  message?: ComponentChildren;
  /** Usually a `Button` ("Add the first company"); see `actionHref` for a plain link. */
  action?: ComponentChildren;
  /** A link shown as a button under the message (with `actionLabel`); refused if unsafe. */
  actionHref?: string;
  actionLabel?: ComponentChildren;
  headingLevel?: HeadingLevel;
  /** Less padding, for an empty list inside a card with other content. */
  compact?: boolean;
}

/** `.empty-state`: what to show instead of an empty list, and how to fill it. */
export function EmptyState({
  title,
  message,
  action,
  actionHref,
  actionLabel,
  headingLevel = 2,
  compact = false,
}: EmptyStateProps): JSX.Element {
  const link =
    actionHref !== undefined && actionLabel !== undefined ? (
      <Button href={actionHref} variant="secondary" small>
        {actionLabel}
      </Button>
    ) : undefined;
  return (
    <div class={classNames('empty-state', compact && 'empty-state--compact')}>
      <Heading level={headingLevel} class="empty-state__title">
        {title}
      </Heading>
      {message !== undefined && <p class="empty-state__message">{message}</p>}
      {(action !== undefined || link !== undefined) && (
        <div class="empty-state__action">
          {action}
          {link}
        </div>
      )}
    </div>
  );
}
