/* global db, process */
// Runs once, when MongoDB starts on an empty data volume (the mongo image's /docker-entrypoint-initdb.d), as the
// root user: Keycard's own user, which may read and write the keycard database and nothing else, and the auditors'
// user, which may only read it (`keycard audit …` needs no more). Passwords come from the compose environment.
const keycard = db.getSiblingDB('keycard');
keycard.createUser({
  user: 'keycard',
  pwd: process.env.KEYCARD_MONGODB_PASSWORD,
  roles: [{ role: 'readWrite', db: 'keycard' }],
});
keycard.createUser({
  user: 'auditor',
  pwd: process.env.MONGODB_AUDITOR_PASSWORD,
  roles: [{ role: 'read', db: 'keycard' }],
});
