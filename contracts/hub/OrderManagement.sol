// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IOrderManagement} from "../interfaces/IOrderManagement.sol";
import {
    AppOrder,
    DatasetOrder,
    WorkerpoolOrder,
    RequestOrder,
    OrderKind,
    OrderHashing
} from "../libraries/OrderTypes.sol";
import {Signatures, SignatureStatus} from "../libraries/Signatures.sol";
import {Config} from "./Config.sol";

/// @notice Implements {IOrderManagement}; see the interface for the NatSpec.
abstract contract OrderManagement is IOrderManagement, Config {
    using OrderHashing for AppOrder;
    using OrderHashing for DatasetOrder;
    using OrderHashing for WorkerpoolOrder;
    using OrderHashing for RequestOrder;

    bytes32 internal constant CANCEL_ORDER_TYPEHASH = keccak256("CancelOrder(bytes32 orderHash)");

    mapping(bytes32 orderHash => uint256) private _consumed;
    /// @dev Presigns are kept per signer: anyone may presign any hash, so a single slot per hash
    /// would let a stranger overwrite (and so revoke) the owner's presign.
    mapping(bytes32 orderHash => mapping(address signer => bool)) private _presigns;
    mapping(bytes32 orderHash => address signer) private _lastPresigner;

    /// @inheritdoc IOrderManagement
    function presign(bytes32 orderHash) external {
        _presigns[orderHash][msg.sender] = true;
        _lastPresigner[orderHash] = msg.sender;
        emit OrderPresigned(orderHash, msg.sender);
    }

    /// @inheritdoc IOrderManagement
    function cancelAppOrder(AppOrder calldata order, bytes calldata ownerSignature) external {
        _cancel(
            OrderKind.App,
            _hashTypedDataV4(order.hash()),
            _appRegistry.ownerOfAsset(order.app),
            order.volume,
            ownerSignature
        );
    }

    /// @inheritdoc IOrderManagement
    function cancelDatasetOrder(
        DatasetOrder calldata order,
        bytes calldata ownerSignature
    ) external {
        _cancel(
            OrderKind.Dataset,
            _hashTypedDataV4(order.hash()),
            _datasetRegistry.ownerOfAsset(order.dataset),
            order.volume,
            ownerSignature
        );
    }

    /// @inheritdoc IOrderManagement
    function cancelWorkerpoolOrder(
        WorkerpoolOrder calldata order,
        bytes calldata ownerSignature
    ) external {
        _cancel(
            OrderKind.Workerpool,
            _hashTypedDataV4(order.hash()),
            _workerpoolRegistry.ownerOfAsset(order.workerpool),
            order.volume,
            ownerSignature
        );
    }

    /// @inheritdoc IOrderManagement
    function cancelRequestOrder(
        RequestOrder calldata order,
        bytes calldata ownerSignature
    ) external {
        _cancel(
            OrderKind.Request,
            _hashTypedDataV4(order.hash()),
            order.requester,
            order.volume,
            ownerSignature
        );
    }

    /// @inheritdoc IOrderManagement
    function consumed(bytes32 orderHash) external view returns (uint256) {
        return _consumedOrClosed(orderHash);
    }

    /// @inheritdoc IOrderManagement
    function presigned(bytes32 orderHash) external view returns (address) {
        return _lastPresigner[orderHash];
    }

    /// @inheritdoc IOrderManagement
    function isPresigned(bytes32 orderHash, address signer) external view returns (bool) {
        return _presigns[orderHash][signer];
    }

    /// @inheritdoc IOrderManagement
    function hashAppOrder(AppOrder calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }

    /// @inheritdoc IOrderManagement
    function hashDatasetOrder(DatasetOrder calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }

    /// @inheritdoc IOrderManagement
    function hashWorkerpoolOrder(WorkerpoolOrder calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }

    /// @inheritdoc IOrderManagement
    function hashRequestOrder(RequestOrder calldata order) external view returns (bytes32) {
        return _hashTypedDataV4(order.hash());
    }

    /// @dev Whether `requestHash` is a request order its first deal filled whole (and so has no
    /// consumed counter).
    function _filledByFirstDeal(bytes32 requestHash) internal view virtual returns (bool);

    /// @dev An order's consumed counter, or `type(uint256).max` (closed) for a request order its
    /// first deal filled whole, which keeps no counter. Costs a second read when the counter is 0.
    function _consumedOrClosed(bytes32 orderHash) internal view returns (uint256 used) {
        used = _consumed[orderHash];
        if (used == 0 && _filledByFirstDeal(orderHash)) used = type(uint256).max;
    }

    /// @dev Volume left on an order (zero once cancelled or filled). For a request order, use
    /// `_left(_consumedOrClosed(hash), volume)`.
    function _remaining(bytes32 orderHash, uint256 volume) internal view returns (uint256) {
        return _left(_consumed[orderHash], volume);
    }

    function _left(uint256 used, uint256 volume) internal pure returns (uint256) {
        return used >= volume ? 0 : volume - used;
    }

    function _consumedOf(bytes32 orderHash) internal view returns (uint256) {
        return _consumed[orderHash];
    }

    function _consume(bytes32 orderHash, uint256 volume) internal {
        _consumed[orderHash] += volume;
    }

    /// @dev Checks that `signer` signed (or presigned) `orderHash`. Returns the ABI-encoded error
    /// instead of reverting so that `estimateMatch` can report it.
    function _orderSignatureError(
        OrderKind kind,
        bytes32 orderHash,
        address signer,
        bytes calldata signature
    ) internal view returns (bytes memory) {
        if (signature.length == 0) {
            if (signer != address(0) && _presigns[orderHash][signer]) return "";
            return abi.encodeWithSelector(OrderSignatureInvalid.selector, kind, orderHash, signer);
        }
        SignatureStatus status = Signatures.check(signer, orderHash, signature);
        if (status == SignatureStatus.Valid) return "";
        if (status == SignatureStatus.BadLength) {
            return abi.encodeWithSelector(SignatureLengthInvalid.selector, signature.length);
        }
        if (status == SignatureStatus.Malleable) {
            return abi.encodeWithSelector(SignatureMalleable.selector);
        }
        return abi.encodeWithSelector(OrderSignatureInvalid.selector, kind, orderHash, signer);
    }

    function _cancel(
        OrderKind kind,
        bytes32 orderHash,
        address owner,
        uint256 volume,
        bytes calldata ownerSignature
    ) private {
        if (owner == address(0) || msg.sender != owner) {
            bytes32 digest = _hashTypedDataV4(
                keccak256(abi.encode(CANCEL_ORDER_TYPEHASH, orderHash))
            );
            if (Signatures.check(owner, digest, ownerSignature) != SignatureStatus.Valid) {
                revert OrderNotOwner(kind, orderHash, msg.sender);
            }
        }
        if (_consumed[orderHash] < volume) _consumed[orderHash] = volume;
        emit OrderCancelled(orderHash, kind, owner);
    }
}
