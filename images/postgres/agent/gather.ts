/**
 * Waits for answers from peers only as long as it must: done as soon as enough
 * of them said yes (a majority is a majority; a dead peer's timeout must not
 * delay a lease or an election), or when every request has settled.
 */
export function gather<T>(requests: Array<Promise<T | undefined>>, isYes: (answer: T) => boolean, needed: number): Promise<Array<T | undefined>> {
  return new Promise((resolve) => {
    const answers: Array<T | undefined> = requests.map(() => undefined);
    let settled = 0;
    let yes = 0;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve([...answers]);
      }
    };
    if (requests.length === 0 || needed <= 0) return finish();
    requests.forEach((request, index) => {
      request
        .then((answer) => {
          answers[index] = answer;
          if (answer !== undefined && isYes(answer)) yes++;
        })
        .catch(() => undefined)
        .finally(() => {
          settled++;
          if (yes >= needed || settled === requests.length) finish();
        });
    });
  });
}
