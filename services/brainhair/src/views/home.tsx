/** The home page: a greeting and the latest notes. Text is escaped by JSX; nothing is raw. */
import { Button, Card, EmptyState, Page, PageHeader, Table } from '@hivematrix/sdk/html';
import type { Note } from '../db/schema.js';

export interface HomePageProps {
  name: string;
  isAdmin: boolean;
  notes: Note[];
  urlFor: (path: string) => string;
}

export function HomePage({ name, isAdmin, notes, urlFor }: HomePageProps) {
  return (
    <Page title="Home" service="brainhair">
      <PageHeader title={`Hello, ${name}`} description="This is the brainhair service: copy it to start a new one." />
      <Card
        title="Latest notes"
        actions={isAdmin ? <Button href={urlFor('/admin/settings')} variant="secondary" small>Settings</Button> : undefined}
      >
        {notes.length === 0 ? (
          <EmptyState title="No notes yet" message="POST a note to /api/data and it shows up here." />
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
              when: note.createdAt.toISOString(),
            }))}
          />
        )}
        <Button href={urlFor('/api/data')} variant="primary">View as JSON</Button>
      </Card>
    </Page>
  );
}
