// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAppRegistry} from "./interfaces/IAppRegistry.sol";
import {IDatasetRegistry} from "./interfaces/IDatasetRegistry.sol";
import {IWorkerpoolRegistry} from "./interfaces/IWorkerpoolRegistry.sol";
import {IConfig} from "./interfaces/IConfig.sol";
import {IPolis} from "./interfaces/IPolis.sol";
import {Config} from "./hub/Config.sol";
import {Escrow} from "./hub/Escrow.sol";
import {Matching} from "./hub/Matching.sol";
import {TaskManager} from "./TaskManager.sol";

/// @title Polis hub
/// @notice The marketplace: escrow, EIP-712 orders, matching into deals, dataset grants and
/// categories. Not upgradeable. It creates its own task manager, the only contract allowed to move
/// escrowed funds, so the pair is bound at deployment with no set-up transaction.
contract Polis is Matching {
    address private immutable _taskManager;

    constructor(
        address governance,
        IERC20 token_,
        IAppRegistry apps,
        IDatasetRegistry datasets,
        IWorkerpoolRegistry pools
    ) Config(governance, apps, datasets, pools) Escrow(token_) {
        _taskManager = address(new TaskManager(IPolis(address(this))));
    }

    /// @inheritdoc IConfig
    function taskManager() external view returns (address) {
        return _taskManager;
    }

    function _taskManagerAddress() internal view override returns (address) {
        return _taskManager;
    }
}
