// har-schema ships JSON Schemas (draft-06) and no types: one schema object per HAR type.
declare module 'har-schema' {
  const schemas: Record<string, object>;
  export default schemas;
}
