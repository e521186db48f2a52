import type { AppOrder, DatasetOrder, RequestOrder, WorkerpoolOrder } from "../../../core/index.js";

/** The four orders of a match; `datasetOrder` may be omitted for deals without a dataset. */
export interface MatchOrders {
  appOrder: AppOrder;
  datasetOrder?: DatasetOrder;
  workerpoolOrder: WorkerpoolOrder;
  requestOrder: RequestOrder;
}
