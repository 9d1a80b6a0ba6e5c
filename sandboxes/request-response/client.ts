// The client defines each request, sends it, then parses and uses the response.
export default async function main(server: URL): Promise<void> {
  const good = await send(server, JSON.stringify({ fileName: 'cat.png', sizeBytes: 48213 }));
  console.log(`${good.status} ${good.statusText}`, good.body);

  // A body that is not JSON: the server cannot parse it and says why.
  const broken = await send(server, '{ "fileName": "dog.png", ');
  console.log(`${broken.status} ${broken.statusText}`, broken.body);
}

async function send(server: URL, body: string) {
  const response = await fetch(new URL('/uploads', server), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, statusText: response.statusText, body: await response.json() };
}
