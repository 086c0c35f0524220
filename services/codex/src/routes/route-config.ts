/**
 * Documentation every JSON route declares next to its schema (`config.summary`, `config.access`),
 * read by the OpenAPI generator. Declared here so the route options type-check.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** One line: what the route does. */
    summary?: string;
    /** Who may call it: user levels and the services named for it. */
    access?: string;
  }
}

export {};
