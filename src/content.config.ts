import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

/** Chapter ids: one name for the page, the sandbox folder and the `<Sandbox id>` prop. */
const chapterId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lowercase words joined by hyphens, like "long-polling"');

export const collections = {
  docs: defineCollection({
    loader: docsLoader(),
    schema: docsSchema({
      extend: z.object({
        /**
         * The sandbox this page embeds: the name of a folder in `sandboxes/`.
         * Chapters set it; the test suite checks the folder exists and the page embeds it.
         */
        sandbox: chapterId
          .optional()
          .describe('Folder name in sandboxes/ that this page embeds with <Sandbox id="…" />.'),
        /**
         * Chapters a reader should read next or compare with, by id (for example `long-polling`).
         * Shown as a "Related patterns" list at the end of the page.
         */
        related: z
          .array(chapterId)
          .default([])
          .describe('Ids of related chapters in src/content/docs/patterns/.'),
      }),
    }),
  }),
};
