/** The one MongoDB connection helper. Works against MongoDB and FerretDB alike. */
import { MongoClient, type Db } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
}

/** Connects and checks the server answers; the database is the URL's path (default `keycard`). */
export async function connectMongo(url: string): Promise<MongoConnection> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, appName: 'keycard' });
  await client.connect();
  // The path after the host list names the database; a seed list (h1,h2) is not a URL, so no URL parser here.
  const database = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1] || 'keycard';
  const db = client.db(decodeURIComponent(database));
  await db.command({ ping: 1 });
  return { client, db };
}
