// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;
// solhint-disable avoid-low-level-calls

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Receives ERC-777-style transfer hooks from {HookToken}.
interface ITokenHooks {
    function tokensToSend(address to, uint256 amount) external;

    function tokensReceived(address from, uint256 amount) external;
}

/// @notice An ERC-20 that calls registered senders and receivers during transfers (like ERC-777),
/// so a test can try to re-enter the escrow from inside a token transfer.
contract HookToken is ERC20 {
    mapping(address account => bool) public hooked;

    constructor() ERC20("Hook Token", "HOOK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setHooked(bool on) external {
        hooked[msg.sender] = on;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (hooked[from]) ITokenHooks(from).tokensToSend(to, value);
        super._update(from, to, value);
        if (hooked[to]) ITokenHooks(to).tokensReceived(from, value);
    }
}

/// @notice Holds an escrow account and, from inside the token hooks, calls the escrow again
/// (withdraw while a withdraw or a deposit is in progress).
contract TokenReentrancyAttacker is ITokenHooks {
    address public immutable escrow;
    bytes public reentry;

    constructor(address escrow_) {
        escrow = escrow_;
    }

    function run(address to, bytes calldata data, bytes calldata reentry_) external {
        reentry = reentry_;
        _call(to, data);
    }

    function tokensToSend(address, uint256) external {
        if (reentry.length != 0) _call(escrow, reentry);
    }

    function tokensReceived(address, uint256) external {
        if (reentry.length != 0) _call(escrow, reentry);
    }

    function _call(address to, bytes memory data) private {
        (bool ok, bytes memory result) = to.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
