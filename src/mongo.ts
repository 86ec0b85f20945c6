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
  const db = client.db(new URL(url.replace(/^mongodb(\+srv)?:/, 'http:')).pathname.slice(1) || 'keycard');
  await db.command({ ping: 1 });
  return { client, db };
}
