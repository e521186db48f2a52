// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IEscrow} from "../interfaces/IEscrow.sol";

/// @notice An in-memory list of escrow movements, sent to the hub in one `moveFunds` call.
/// @dev Zero amounts are skipped (except kitty drains, whose amount the hub computes).
library Ledger {
    struct List {
        IEscrow.Movement[] items;
        uint256 count;
    }

    function create(uint256 capacity) internal pure returns (List memory list) {
        list.items = new IEscrow.Movement[](capacity);
    }

    function add(
        List memory list,
        IEscrow.MovementKind kind,
        address account,
        uint256 amount,
        bytes32 ref
    ) internal pure {
        if (amount == 0 && kind != IEscrow.MovementKind.DrainKittyTo) return;
        if (list.count == list.items.length) {
            IEscrow.Movement[] memory grown = new IEscrow.Movement[](list.count * 2 + 4);
            for (uint256 i = 0; i < list.count; ++i) grown[i] = list.items[i];
            list.items = grown;
        }
        list.items[list.count++] = IEscrow.Movement(kind, account, amount, ref);
    }

    /// @dev Sends the movements (trimmed to `count`) to the hub.
    function commit(List memory list, IEscrow hub) internal {
        if (list.count == 0) return;
        IEscrow.Movement[] memory items = list.items;
        uint256 count = list.count;
        // Shrinks the array in place: count <= items.length.
        assembly ("memory-safe") {
            mstore(items, count)
        }
        hub.moveFunds(items);
    }
}
