/** A user's own settings: theme, accent colour and home page (the gateway reads them). */
import type { JSX } from 'preact';
import { Button, Card, PageHeader, SelectField } from '@hivematrix/sdk/html';
import { ACCENTS, HOME_PAGES } from '../db/index.js';
import type { UserSettings } from '../db/index.js';
import { CodexPage, type Flash, type ViewContext } from './layout.js';

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `/settings`. */
export function SettingsPage({
  ctx,
  flash,
  settings,
}: {
  ctx: ViewContext;
  flash?: Flash | undefined;
  settings: Pick<UserSettings, 'theme' | 'accent' | 'homePage'>;
}): JSX.Element {
  return (
    <CodexPage title="My settings" ctx={ctx} flash={flash}>
      <PageHeader title="My settings" description="How HiveMatrix looks for you and where it opens." />
      <Card>
        <form method="post" action={ctx.urlFor('/settings')}>
          <div class="form-row">
            <SelectField
              name="theme"
              label="Theme"
              value={settings.theme}
              options={[
                { value: 'light', label: 'Light' },
                { value: 'dark', label: 'Dark' },
              ]}
            />
            <SelectField
              name="accent"
              label="Accent colour"
              value={settings.accent}
              options={ACCENTS.map((accent) => ({ value: accent, label: capital(accent) }))}
            />
            <SelectField
              name="home_page"
              label="Home page"
              value={settings.homePage}
              options={HOME_PAGES.map((page) => ({ value: page, label: capital(page) }))}
            />
          </div>
          <div class="action-footer">
            <Button type="submit">Save settings</Button>
          </div>
        </form>
      </Card>
    </CodexPage>
  );
}
