// One member of a consumer group, with kafkajs, for Nagare's group tests (see GroupClient.java).
//
// Usage: node group_member.js BOOTSTRAP GROUP TOPIC[,TOPIC...] earliest|latest commit|no-commit SESSION_TIMEOUT_MS HEARTBEAT_MS
//
// Prints one line per event, which GroupMember.java parses:
//   assigned TOPIC-PARTITION ...   after each join and sync (possibly nothing after "assigned")
//   revoked TOPIC-PARTITION ...    when kafkajs learns of a rebalance: it is eager, so it gives up all it had
//   ready                          after the first fetch that follows a join, so every position is resolved
//   record TOPIC PARTITION OFFSET KEY VALUE
// kafkajs has no position API, hence "ready" where the other clients say "position".
// With "commit", kafkajs commits what was read after every batch (autoCommit); with "no-commit" never.
// SIGTERM disconnects cleanly (LeaveGroup) and exits 0.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, group, topics, reset, commit, sessionTimeoutMs, heartbeatMs] = process.argv.slice(2);

function say(...words) {
  process.stdout.write(words.join(' ') + '\n');
}

function names(assignment) {
  const all = [];
  for (const [topic, partitions] of Object.entries(assignment)) {
    for (const p of partitions) all.push(`${topic}-${p}`);
  }
  return all.sort();
}

async function main() {
  const kafka = new Kafka({ clientId: 'nagare-test', brokers: [bootstrap], logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({
    groupId: group,
    sessionTimeout: Number(sessionTimeoutMs),
    heartbeatInterval: Number(heartbeatMs),
    maxWaitTimeInMs: 200,
    retry: { retries: 10, initialRetryTime: 100 },
  });
  let current = [];
  let waitingForFetch = false;
  consumer.on(consumer.events.GROUP_JOIN, e => {
    current = names(e.payload.memberAssignment);
    waitingForFetch = true;
    say('assigned', ...current);
  });
  consumer.on(consumer.events.REBALANCING, () => {
    if (current.length > 0) say('revoked', ...current);
    current = [];
  });
  consumer.on(consumer.events.FETCH, () => {
    if (waitingForFetch) {
      waitingForFetch = false;
      say('ready');
    }
  });
  consumer.on(consumer.events.CRASH, e => {
    process.stderr.write(`consumer crashed: ${e.payload.error}\n`);
    process.exit(2);
  });

  let stopping = false;
  process.on('SIGTERM', async () => {
    if (stopping) return;
    stopping = true;
    await consumer.disconnect();
    process.exit(0);
  });

  await consumer.connect();
  await consumer.subscribe({ topics: topics.split(','), fromBeginning: reset === 'earliest' });
  await consumer.run({
    autoCommit: commit === 'commit',
    eachMessage: async ({ topic, partition, message }) => {
      say('record', topic, partition, message.offset, message.key.toString(), message.value.toString());
    },
  });
}

main().catch(e => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
