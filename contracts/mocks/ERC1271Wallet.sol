// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;
// solhint-disable avoid-low-level-calls

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test-only smart-contract wallet: validates its owner's ECDSA signatures through
/// ERC-1271 and can be switched into adversarial modes (reverting, wrong magic value, burning all
/// the gas it is given). It can also call anything, so it can own assets, presign and cancel.
contract ERC1271Wallet is IERC1271 {
    enum Mode {
        Valid,
        WrongMagic,
        Revert,
        BurnGas
    }

    error WalletNotOwner(address caller);
    error WalletRejected();

    address public immutable owner;
    Mode public mode;

    constructor(address owner_) {
        owner = owner_;
    }

    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Forwards a call from the wallet; bubbles up any revert.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        if (msg.sender != owner) revert WalletNotOwner(msg.sender);
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    function isValidSignature(
        bytes32 hash,
        bytes calldata signature
    ) external view returns (bytes4) {
        Mode m = mode;
        if (m == Mode.Revert) revert WalletRejected();
        if (m == Mode.BurnGas) {
            uint256 spin = 0;
            while (gasleft() > 0) ++spin;
            return bytes4(uint32(spin));
        }
        if (m == Mode.WrongMagic) return bytes4(0xdeadbeef);
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == owner) {
            return IERC1271.isValidSignature.selector;
        }
        return bytes4(0xffffffff);
    }

    function onERC721Received(
        address,
        address,
        uint256,
        bytes calldata
    ) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
