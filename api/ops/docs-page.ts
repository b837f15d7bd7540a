type Json = Record<string, unknown>;

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** Text of a document value: strings as they are, anything else as JSON. */
const str = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

const pre = (value: unknown): string => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

function parametersTable(params: Json[]): string {
  if (params.length === 0) return '';
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escape(String(p.name))}</code></td><td>${escape(String(p.in))}</td><td>${
          p.required ? 'yes' : ''
        }</td><td><code>${escape(JSON.stringify(p.schema))}</code>${
          p.description ? `<br>${escape(str(p.description))}` : ''
        }</td></tr>`,
    )
    .join('');
  return `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`;
}

function operationSection(method: string, path: string, op: Json): string {
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const responses = Object.entries(op.responses as Record<string, Json>)
    .map(([status, r]) => {
      const content = (r.content ?? {}) as Record<string, Json>;
      const types = Object.keys(content).join(', ');
      const main = Object.values(content)[0];
      const example = main?.example;
      const showSchema = status.startsWith('2') && main?.schema;
      return `<li><b>${escape(status)}</b> ${escape(String(r.description))}${types ? ` <i>(${escape(types)})</i>` : ''}${
        showSchema ? `<details><summary>schema</summary>${pre(main.schema)}</details>` : ''
      }${example ? `<details><summary>example</summary>${pre(example)}</details>` : ''}</li>`;
    })
    .join('');
  const id = escape(String(op.operationId));
  const bodySchema = body?.['application/json'];
  return `<section id="${id}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>
<p><b>${escape(String(op.summary))}</b> — ${escape(str(op.description ?? ''))}</p>
<p class="meta">operation <code>${id}</code>; roles: ${escape((op['x-roles'] as string[]).join(', '))}${
    op['x-scope'] ? `; token scope <code>${escape(str(op['x-scope']))}</code>` : ''
  }</p>
${parametersTable((op.parameters as Json[]) ?? [])}
${
  bodySchema
    ? `<h4>Request body</h4><details open><summary>schema</summary>${pre(bodySchema.schema)}</details>${
        bodySchema.example
          ? `<details open><summary>example</summary>${pre(bodySchema.example)}</details>`
          : ''
      }`
    : ''
}
<h4>Responses</h4><ul>${responses}</ul></section>`;
}

/** A self-contained HTML reference (no scripts, no external assets) rendered from the OpenAPI document. */
export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags as string[])[0] ?? 'other';
      const list = byTag.get(tag) ?? [];
      list.push(operationSection(method, path, op));
      byTag.set(tag, list);
      toc.push(
        `<li><a href="#${escape(String(op.operationId))}">${method.toUpperCase()} ${escape(path)}</a></li>`,
      );
    }
  }
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2>${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(String(info.title))} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem 2rem;color:#222}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:24rem}
section{border-top:1px solid #ddd;padding:.5rem 0}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4rem;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:0 .3rem}
.get{background:#2f7d32}.post{background:#1f5fa8}.put{background:#8a5a00}.patch{background:#6a3fa0}.delete{background:#b3261e}.meta{color:#555}
nav ul{columns:3;font-size:13px}
</style></head><body>
<h1>${escape(String(info.title))} API <small>${escape(String(info.version))}</small></h1>
<p>${escape(String(info.description))}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escape(String(doc.openapi))}).
Authentication: <code>Authorization: Bearer &lt;token&gt;</code>; requesters may send <code>X-Tracking-Token</code>.</p>
<nav><ul>${toc.join('')}</ul></nav>
${sections}
</body></html>`;
}
