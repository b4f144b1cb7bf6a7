/**
 * A deep copy of plain JSON data made with JSON itself. Not structuredClone: under jest's vm realms a structured
 * clone has another realm's Object.prototype, and libraries that test `getPrototypeOf(x) === Object.prototype`
 * (aws-local-stepfunctions does) then treat it as a non-object.
 */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export { jsonCopy };
