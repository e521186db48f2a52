// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder,
    OrderKind
} from "../libraries/OrderTypes.sol";

/// @notice Order bookkeeping on-chain: EIP-712 digests, consumed volume, presigning and cancels.
interface IOrderManagement {
    /// @notice The signature does not come from the order's current owner (or was not presigned).
    error OrderSignatureInvalid(OrderKind kind, bytes32 orderHash, address signer);
    /// @notice Signatures must be exactly 65 bytes (r, s, v).
    error SignatureLengthInvalid(uint256 length);
    /// @notice High-s signatures are malleable copies and are refused.
    error SignatureMalleable();
    /// @notice The order's expiry timestamp has passed.
    error OrderExpired(OrderKind kind, bytes32 orderHash, uint256 expiry);
    /// @notice Only the order's current owner (the asset owner, or the requester) may do this.
    error OrderNotOwner(OrderKind kind, bytes32 orderHash, address caller);

    event OrderPresigned(bytes32 indexed orderHash, address indexed signer);
    /// @notice The order is closed for good (its consumed volume was set to its volume).
    event OrderCancelled(bytes32 indexed orderHash, OrderKind kind, address indexed owner);

    /// @notice Lets the caller (an EOA or a contract) "sign" an order on-chain. It only takes effect
    /// while the caller owns the order's asset (or is its requester) at match time.
    function presign(bytes32 orderHash) external;

    /// @notice Closes an order. The owner calls it, or anyone relays the owner's signature over
    /// `CancelOrder(bytes32 orderHash)`.
    function cancelAppOrder(AppOrder calldata order, bytes calldata ownerSignature) external;

    function cancelDatasetOrder(
        DatasetOrder calldata order,
        bytes calldata ownerSignature
    ) external;

    function cancelWorkerpoolOrder(
        WorkerpoolOrder calldata order,
        bytes calldata ownerSignature
    ) external;

    function cancelRequestOrder(
        RequestOrder calldata order,
        bytes calldata ownerSignature
    ) external;

    /// @notice Volume of the order already used by deals (equals its volume once cancelled).
    /// @dev A request order filled whole by its first deal keeps no counter (its deal record
    /// says so, which spares a storage write per deal): it reads as `type(uint256).max`, i.e.
    /// closed. Its exact fill is that deal's `botSize`. Treat any value >= volume as closed.
    function consumed(bytes32 orderHash) external view returns (uint256);

    /// @notice The last account that called `presign` for this hash, or address(0).
    /// @dev Informational only: anyone may presign any hash, so this can name a stranger. Use
    /// {isPresigned} with the order's owner to know whether the order counts as signed.
    function presigned(bytes32 orderHash) external view returns (address);

    /// @notice Whether `signer` presigned `orderHash` (matching requires `signer` to be the
    /// order's current owner or requester).
    function isPresigned(bytes32 orderHash, address signer) external view returns (bool);

    /// @notice EIP-712 digests: the order ids used everywhere (consumed, events, the market).
    function hashAppOrder(AppOrder calldata order) external view returns (bytes32);

    function hashDatasetOrder(DatasetOrder calldata order) external view returns (bytes32);

    function hashWorkerpoolOrder(WorkerpoolOrder calldata order) external view returns (bytes32);

    function hashRequestOrder(RequestOrder calldata order) external view returns (bytes32);
}
