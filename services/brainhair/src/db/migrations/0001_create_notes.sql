-- The brainhair's one example table: short notes a user leaves, to show a migration, a query
-- and a form end to end. Copy the pattern, not the table.
CREATE TABLE notes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_sub  text        NOT NULL,
  author_name text        NOT NULL,
  body        text        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notes_created_at_idx ON notes (created_at DESC);
