/** The home page: a greeting and the latest notes. Text is escaped by JSX; nothing is raw. */
import { Button, Card, DateTime, EmptyState, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { Note } from '../db/schema.js';

export interface HomePageProps {
  name: string;
  isAdmin: boolean;
  notes: Note[];
  urlFor: (path: string) => string;
}

export function HomePage({ name, isAdmin, notes, urlFor }: HomePageProps) {
  return (
    <Page title="Home" service="template">
      <PageHeader title={`Hello, ${name}`} description="This is the template service: copy it to start a new one." />
      <Card
        title="Latest notes"
        actions={
          isAdmin ? (
            <Button href={urlFor('/admin/settings')} variant="secondary" small>
              Settings
            </Button>
          ) : undefined
        }
      >
        {notes.length === 0 ? (
          <EmptyState
            title="No notes yet"
            message={
              <>
                POST a note to <code>/api/data</code> (JSON <code>{'{"body": "…"}'}</code>) and it shows up here, newest
                first.
              </>
            }
          />
        ) : (
          <Table
            columns={[
              { key: 'author', label: 'Author' },
              { key: 'body', label: 'Note' },
              { key: 'when', label: 'Written' },
            ]}
            rows={notes.map((note) => ({
              author: note.authorName,
              body: note.body,
              when: <DateTime value={note.createdAt} />,
            }))}
          />
        )}
        <Button href={urlFor('/api/data')} variant="primary">
          View as JSON
        </Button>
      </Card>
    </Page>
  );
}
