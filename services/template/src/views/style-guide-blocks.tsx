/**
 * Style-guide sections for the blocks particular services use (Helm, Codex, Brainhair,
 * KnowledgeTree, Beacon) and the appearance picker, kept apart from the generic components in
 * `views/style-guide.tsx` so each file stays small.
 */
import type { JSX } from 'preact';
import { Card } from '@hivematrix/sdk/html';
import { ACCENT_OPTIONS } from './style-guide-data.js';

/** An icon of the gateway's sprite (`/static/icons.svg`), decorative. */
export function Icon({ name }: { name: string }): JSX.Element {
  return (
    <svg aria-hidden="true" focusable="false">
      <use href={`/static/icons.svg#${name}`} />
    </svg>
  );
}

const TREE = [
  { name: 'Northwind Traders', depth: 0, open: true },
  { name: 'Network', depth: 1, open: false },
  { name: 'Onboarding', depth: 1, open: false, selected: true },
  { name: 'Contoso Dental', depth: 0, open: false },
] as const;

const FILES = [
  'Firewall rules.md',
  'VPN setup.md',
  'New starter checklist.md',
  'Printer drivers.md',
  'Wi-Fi passwords.md',
];

/** Service cards, a user list, KnowledgeTree's explorer and Beacon's counters. */
export function ServiceBlocks(): JSX.Element {
  return (
    <Card title="Service blocks" id="service-blocks">
      <div class="u-grid u-grid-auto-fill u-mb-3">
        <div class="service-card service-card--protected">
          <p class="service-card__name">codex</p>
          <span class="service-card__info">127.0.0.1:5010 · behind the gateway</span>
        </div>
        <div class="service-card service-card--warning">
          <p class="service-card__name">ledger</p>
          <span class="service-card__info">Degraded: PSA sync is slow</span>
        </div>
        <div class="service-card service-card--exposed">
          <p class="service-card__name">legacy-rmm</p>
          <span class="service-card__info">0.0.0.0:8080 · reachable from the network</span>
        </div>
      </div>
      <div class="u-grid u-grid-2 u-mb-3">
        <ul class="user-list" aria-label="Technicians">
          {[
            ['Jordan Reyes', 'jordan@msp.example', 'admins'],
            ['Sam Okafor', 'sam@msp.example', 'technicians'],
            ['Priya Natarajan', 'priya@msp.example', 'billing'],
          ].map(([name, email, group]) => (
            <li class="user-item">
              <span class="user-item__info">
                <span class="user-item__name">{name}</span>
                <span class="user-item__email">{email}</span>
              </span>
              <span class="user-item__action">
                <span class="group-badge">{group}</span>
              </span>
            </li>
          ))}
        </ul>
        <div>
          <div class="feature-callout u-mb-2">
            <p class="feature-callout__title">Ticket TV display</p>
            <p class="feature-callout__text">
              Beacon shows open tickets on a wall screen, without a login, through the gateway's public paths.
            </p>
          </div>
          <div class="u-flex u-flex-wrap u-flex-gap-2">
            <div class="ticket-count-wrapper">
              <span class="ticket-count-label">Open</span>
              <span class="ticket-count-number">42</span>
            </div>
            <div class="ticket-count-wrapper count-warning">
              <span class="ticket-count-label">Past SLA</span>
              <span class="ticket-count-number">7</span>
            </div>
            <div class="ticket-count-wrapper count-critical">
              <span class="ticket-count-label">Urgent</span>
              <span class="ticket-count-number">2</span>
            </div>
          </div>
          <p class="u-mt-2 u-mb-0 u-text-sm">
            SLA: <span class="sla-status sla-normal">2 h left</span> ·{' '}
            <span class="sla-status sla-warning">25 min left</span> ·{' '}
            <span class="sla-status sla-overdue">overdue 1 h</span>
          </p>
        </div>
      </div>
      <div class="kt-explorer">
        <div class="kt-explorer__body">
          <div class="kt-sidebar">
            <div class="kt-sidebar__header">
              <p class="kt-sidebar__title">Folders</p>
            </div>
            <div class="kt-sidebar__tree">
              {TREE.map((node) => (
                <div
                  class={`kt-tree-item${'selected' in node ? ' kt-tree-item--selected' : ''} u-pl-${node.depth === 0 ? 1 : 3}`}
                >
                  <span class="kt-tree-item__toggle">
                    <Icon name={node.open ? 'chevron-down' : 'chevron-right'} />
                  </span>
                  <span class="kt-tree-item__icon">
                    <Icon name="folder" />
                  </span>
                  <span class="kt-tree-item__name">{node.name}</span>
                </div>
              ))}
            </div>
          </div>
          <div class="kt-main">
            <div class="kt-toolbar">
              <div class="kt-toolbar__left">
                <h3 class="kt-toolbar__title">Onboarding</h3>
                <span class="kt-toolbar__info">5 articles</span>
              </div>
              <div class="kt-search">
                <span class="kt-search__icon">
                  <Icon name="search" />
                </span>
                <input
                  class="kt-search__input"
                  type="search"
                  aria-label="Search articles"
                  placeholder="Search articles"
                />
              </div>
            </div>
            <div class="kt-files">
              {FILES.map((file, index) => (
                <div class={index === 2 ? 'kt-file kt-file--selected' : 'kt-file'}>
                  <span class="kt-file__icon">
                    <Icon name="file-text" />
                  </span>
                  <span class="kt-file__name">{file}</span>
                </div>
              ))}
            </div>
          </div>
        </div>
      </div>
    </Card>
  );
}

/** The accent and theme pickers (handled by the gateway's theme script). */
export function Appearance(): JSX.Element {
  return (
    <Card title="Appearance" id="appearance">
      <p class="u-text-secondary">Pick an accent colour; it is saved to your preferences.</p>
      <div class="color-preview-grid u-mb-3">
        {ACCENT_OPTIONS.map((accent) => (
          <button type="button" class="color-preview" data-accent-option={accent} aria-pressed="false">
            <span class={`color-preview__swatch color-preview__swatch--${accent}`} />
            <span class="color-preview__label">{accent}</span>
          </button>
        ))}
      </div>
      <div class="theme-selector">
        {(['light', 'dark'] as const).map((theme) => (
          <button type="button" class="theme-option" data-theme-option={theme} aria-pressed="false">
            <span class={`theme-option__preview theme-option__preview--${theme}`}>
              <span class="preview-sidebar" />
              <span class="preview-header" />
            </span>
            <span class="theme-option__label">{theme === 'light' ? 'Light' : 'Dark'}</span>
          </button>
        ))}
      </div>
    </Card>
  );
}

/** Brainhair's chat, embedded. */
export function Chat(): JSX.Element {
  return (
    <section class="chat chat--embedded u-mb-3" aria-label="Chat example">
      <div class="chat__header">
        <h2 class="chat__title">Brainhair</h2>
        <div class="chat__header-actions">
          <button type="button" class="chat__new-button">
            <Icon name="plus" /> New chat
          </button>
        </div>
      </div>
      <div class="chat__messages">
        <div class="chat__message chat__message--user">
          <span class="chat__message-avatar">JR</span>
          <div class="chat__message-content">Which Northwind laptops miss the November patches?</div>
        </div>
        <div class="chat__message chat__message--assistant">
          <span class="chat__message-avatar">
            <Icon name="bot" />
          </span>
          <div class="chat__message-content">
            <span class="chat__streaming-text">
              Three of 48: NW-LAPTOP-007, -019 and -042. All were offline since 3 November.
            </span>
          </div>
        </div>
      </div>
      <div class="chat__input-container">
        <div class="chat__input-wrapper">
          <textarea
            class="chat__textarea"
            aria-label="Message"
            rows={1}
            placeholder="Ask about a company, an asset, a ticket…"
          />
          <button type="button" class="chat__send-button" aria-label="Send">
            <Icon name="send" />
          </button>
        </div>
      </div>
    </section>
  );
}
