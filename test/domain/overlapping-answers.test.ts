import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { answerInOrder } from '../../src/domain/overlapping-answers.ts';
import { newSession } from '../../src/domain/session.ts';

const it = suite('overlapping answers: given in the frames\' order, whatever their outcomes do');

function later<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((onValue, onError) => {
    resolve = onValue;
    reject = onError;
  });
  return { promise, resolve, reject };
}

it('answers in order, failures in their turn; `answering` resolves once all are given', async () => {
  const session = newSession('c-1');
  const given: string[] = [];
  const answer = (outcome: string, _s: unknown, frame: string) => void given.push(`${frame}:${outcome}`);
  const failed = (error: unknown, _s: unknown, frame: string) => void given.push(`${frame}:failed ${(error as Error).message}`);
  const [first, second] = [later<string>(), later<string>()];
  answerInOrder(undefined, session, 'a', first.promise, answer, failed);
  answerInOrder(undefined, session, 'b', second.promise, answer, failed);
  answerInOrder(undefined, session, 'c', 'at once', answer, failed);
  const answering = session.answering;
  second.reject(new Error('boom'));
  await Promise.resolve();
  assert.equal(given, [], 'nothing before the first');
  first.resolve('one');
  await answering;
  assert.equal(given, ['a:one', 'b:failed boom', 'c:at once']);
  assert.equal([session.answering, session.waitingAnswers.length], [undefined, 0]);
});

it('an answer and its failure both throwing do not stop the answers behind it', async () => {
  const session = newSession('c-2');
  const given: string[] = [];
  const broken = () => {
    throw new Error('answer broke');
  };
  const failed = () => {
    throw new Error('failed broke too');
  };
  const first = later<string>();
  answerInOrder(undefined, session, 'a', first.promise, broken, failed);
  answerInOrder(undefined, session, 'b', 'fine', (outcome: string) => void given.push(outcome), failed);
  const answering = session.answering;
  first.resolve('x');
  await answering;
  assert.equal(given, ['fine']);
  assert.is(session.answering, undefined);
});

it.run();
