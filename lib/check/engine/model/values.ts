/** Reading helpers the model's parts share. */
import { Text, toList, Unknown, Value } from '../template/value';

/** Whether a value is a deploy-time value that could name anything: an unknown or a built string. */
export function isDeployTime(value: Value): boolean {
  return value instanceof Unknown || value instanceof Text;
}

/** A list property, an unknown list being one unknown item (a group, a subnet, whatever it holds). */
export function listOrUnknown(value: Value): Value[] {
  const list = toList(value);
  return list instanceof Unknown ? [list] : list;
}
