-- The knowledge tree: folders and articles in one table linked by parent_id (a filesystem tree;
-- nothing here needs more of a graph than that), their revisions, attachments and the search
-- lexicon. The template's example `notes` table goes.
DROP TABLE IF EXISTS notes;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE nodes (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  parent_id       uuid        REFERENCES nodes (id) ON DELETE CASCADE,
  type            text        NOT NULL CHECK (type IN ('folder', 'article')),
  -- A title is one path segment: no slash, no control characters.
  title           text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200 AND title !~ '[/[:cntrl:]]' AND title = btrim(title)),
  is_root         boolean     NOT NULL DEFAULT false,
  attached        boolean     NOT NULL DEFAULT false,
  read_only       boolean     NOT NULL DEFAULT false,
  -- The node's own restriction; `eff_*` are the effective values down the path (kept by the
  -- domain on create, move, restore and restriction changes) so visibility is one column test.
  restrict_to     text        CHECK (restrict_to IN ('admins', 'billing')),
  share_company   text,
  eff_level       text        NOT NULL DEFAULT 'all' CHECK (eff_level IN ('all', 'billing', 'admins')),
  eff_company     text,
  -- Ids from the root down to the parent: subtree filters are `x = ANY(ancestors)` on a GIN index.
  ancestors       uuid[]      NOT NULL DEFAULT '{}',
  linked_company  text,
  tags            text[]      NOT NULL DEFAULT '{}',
  markdown        text        NOT NULL DEFAULT '',
  revision_id     bigint,
  -- A plain-text rendering of the Markdown, so search never matches markup.
  plain           text        NOT NULL DEFAULT '',
  search          tsvector    GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', plain), 'B')
                  ) STORED,
  codex_key       text        UNIQUE,
  created_by      text        NOT NULL,
  created_by_name text        NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  deleted_at      timestamptz,
  deleted_by      text,
  -- The node whose delete put this one in the trash: a restore brings back exactly that batch.
  trash_batch     uuid,
  CHECK (is_root = (parent_id IS NULL)),
  CHECK (NOT is_root OR type = 'folder')
);

-- One root; sibling names unique case-insensitively among live nodes. The index, not a
-- read-then-write check, is what makes two concurrent creates of the same name fail.
CREATE UNIQUE INDEX nodes_one_root ON nodes (is_root) WHERE is_root;
CREATE UNIQUE INDEX nodes_sibling_title ON nodes (parent_id, lower(title)) WHERE deleted_at IS NULL;
CREATE INDEX nodes_parent ON nodes (parent_id);
CREATE INDEX nodes_ancestors ON nodes USING gin (ancestors);
CREATE INDEX nodes_search ON nodes USING gin (search);
CREATE INDEX nodes_title_trgm ON nodes USING gin (lower(title) gin_trgm_ops);
CREATE INDEX nodes_tags ON nodes USING gin (tags);
CREATE INDEX nodes_trash ON nodes (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX nodes_linked_company ON nodes (linked_company) WHERE linked_company IS NOT NULL;

CREATE TABLE revisions (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id       uuid        NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  number        integer     NOT NULL,
  title         text        NOT NULL,
  markdown      text        NOT NULL,
  message       text        NOT NULL DEFAULT '',
  author_sub    text        NOT NULL,
  author_name   text        NOT NULL,
  created_at    timestamptz NOT NULL,
  -- Rendered once per revision (the original re-rendered on every read); `render_version` lets a
  -- change of the renderer re-render lazily.
  html          text        NOT NULL,
  toc           jsonb       NOT NULL DEFAULT '[]',
  render_version integer    NOT NULL,
  UNIQUE (node_id, number)
);
ALTER TABLE nodes ADD CONSTRAINT nodes_revision FOREIGN KEY (revision_id) REFERENCES revisions (id) DEFERRABLE INITIALLY DEFERRED;

-- Links between articles by id, so a moved article's links keep working and backlinks are a lookup.
CREATE TABLE links (
  from_id uuid NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  to_id   uuid NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX links_to ON links (to_id);

CREATE TABLE attachments (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  node_id      uuid        NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  filename     text        NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
  content_type text        NOT NULL,
  size         bigint      NOT NULL DEFAULT 0,
  sha256       text,
  complete     boolean     NOT NULL DEFAULT false,
  created_by   text        NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX attachments_node ON attachments (node_id);

-- Content in chunks, written and read as streams: a 50 MB file never sits whole in memory.
CREATE TABLE attachment_chunks (
  attachment_id uuid    NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  data          bytea   NOT NULL,
  PRIMARY KEY (attachment_id, seq)
);

-- Every word that occurs in an article, for "did you mean" when a search finds nothing
-- (the trigram approach PostgreSQL's pg_trgm documentation suggests).
CREATE TABLE lexicon (word text PRIMARY KEY);
CREATE INDEX lexicon_trgm ON lexicon USING gin (word gin_trgm_ops);

-- The root exists from the start and is never deleted, renamed or moved (checked by the domain).
INSERT INTO nodes (parent_id, type, title, is_root, created_by, created_by_name, created_at, updated_at)
VALUES (NULL, 'folder', 'KnowledgeTree', true, 'system', 'system', now(), now());
