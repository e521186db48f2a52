export {
  TSX_ENTRY,
  bundledSmsEntry,
  spawnSms,
  type SmsProcess,
} from "../../../scripts/lib/smsProcess.js";
