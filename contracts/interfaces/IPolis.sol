// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IConfig} from "./IConfig.sol";
import {IEscrow} from "./IEscrow.sol";
import {IOrderManagement} from "./IOrderManagement.sol";
import {IDatasetGrants} from "./IDatasetGrants.sol";
import {IMatching} from "./IMatching.sol";

/// @notice The hub: escrow, orders, matching, grants and categories.
interface IPolis is IConfig, IEscrow, IOrderManagement, IDatasetGrants, IMatching {
    function owner() external view returns (address);
}
