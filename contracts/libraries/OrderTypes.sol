// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Which of the four order kinds a value refers to (used in errors and events).
enum OrderKind {
    App,
    Dataset,
    Workerpool,
    Request
}

/// @notice An app owner's offer to let its app run. `signature` is not part of the signed data.
struct AppOrder {
    address app;
    uint256 price;
    uint256 volume;
    bytes32 tag;
    address datasetRestrict;
    address workerpoolRestrict;
    address requesterRestrict;
    uint256 expiry;
    bytes32 salt;
    bytes signature;
}

/// @notice A dataset owner's offer to let its dataset be used.
struct DatasetOrder {
    address dataset;
    uint256 price;
    uint256 volume;
    bytes32 tag;
    address appRestrict;
    address workerpoolRestrict;
    address requesterRestrict;
    uint256 expiry;
    bytes32 salt;
    bytes signature;
}

/// @notice A worker pool owner's offer to execute tasks of a category at a trust level.
struct WorkerpoolOrder {
    address workerpool;
    uint256 price;
    uint256 volume;
    bytes32 tag;
    uint256 category;
    uint256 trust;
    address appRestrict;
    address datasetRestrict;
    address requesterRestrict;
    uint256 expiry;
    bytes32 salt;
    bytes signature;
}

/// @notice A requester's demand: which app on which dataset, at most which prices, with which
/// guarantees, delivered to whom.
struct RequestOrder {
    address app;
    uint256 appMaxPrice;
    address dataset;
    uint256 datasetMaxPrice;
    address workerpool;
    uint256 workerpoolMaxPrice;
    address requester;
    uint256 volume;
    bytes32 tag;
    uint256 category;
    uint256 trust;
    address beneficiary;
    address callback;
    string params;
    uint256 expiry;
    bytes32 salt;
    bytes signature;
}

/// @notice Typehashes and struct hashes of the four EIP-712 order kinds. The `signature` field is
/// never hashed. The TypeScript twin lives in src/core/orders.
library OrderHashing {
    bytes32 internal constant APP_ORDER_TYPEHASH = keccak256(
        "AppOrder(address app,uint256 price,uint256 volume,bytes32 tag,address datasetRestrict,"
        "address workerpoolRestrict,address requesterRestrict,uint256 expiry,bytes32 salt)"
    );
    bytes32 internal constant DATASET_ORDER_TYPEHASH = keccak256(
        "DatasetOrder(address dataset,uint256 price,uint256 volume,bytes32 tag,address appRestrict,"
        "address workerpoolRestrict,address requesterRestrict,uint256 expiry,bytes32 salt)"
    );
    bytes32 internal constant WORKERPOOL_ORDER_TYPEHASH = keccak256(
        "WorkerpoolOrder(address workerpool,uint256 price,uint256 volume,bytes32 tag,uint256 category,"
        "uint256 trust,address appRestrict,address datasetRestrict,address requesterRestrict,"
        "uint256 expiry,bytes32 salt)"
    );
    bytes32 internal constant REQUEST_ORDER_TYPEHASH = keccak256(
        "RequestOrder(address app,uint256 appMaxPrice,address dataset,uint256 datasetMaxPrice,"
        "address workerpool,uint256 workerpoolMaxPrice,address requester,uint256 volume,bytes32 tag,"
        "uint256 category,uint256 trust,address beneficiary,address callback,string params,"
        "uint256 expiry,bytes32 salt)"
    );

    function hash(AppOrder calldata o) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    APP_ORDER_TYPEHASH,
                    o.app,
                    o.price,
                    o.volume,
                    o.tag,
                    o.datasetRestrict,
                    o.workerpoolRestrict,
                    o.requesterRestrict,
                    o.expiry,
                    o.salt
                )
            );
    }

    function hash(DatasetOrder calldata o) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    DATASET_ORDER_TYPEHASH,
                    o.dataset,
                    o.price,
                    o.volume,
                    o.tag,
                    o.appRestrict,
                    o.workerpoolRestrict,
                    o.requesterRestrict,
                    o.expiry,
                    o.salt
                )
            );
    }

    function hash(WorkerpoolOrder calldata o) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    WORKERPOOL_ORDER_TYPEHASH,
                    o.workerpool,
                    o.price,
                    o.volume,
                    o.tag,
                    o.category,
                    o.trust,
                    o.appRestrict,
                    o.datasetRestrict,
                    o.requesterRestrict,
                    o.expiry,
                    o.salt
                )
            );
    }

    function hash(RequestOrder calldata o) internal pure returns (bytes32) {
        // Split in two encodes: a single one with 17 words exceeds the stack without help.
        bytes memory head = abi.encode(
            REQUEST_ORDER_TYPEHASH,
            o.app,
            o.appMaxPrice,
            o.dataset,
            o.datasetMaxPrice,
            o.workerpool,
            o.workerpoolMaxPrice,
            o.requester,
            o.volume
        );
        bytes memory tail = abi.encode(
            o.tag,
            o.category,
            o.trust,
            o.beneficiary,
            o.callback,
            keccak256(bytes(o.params)),
            o.expiry,
            o.salt
        );
        return keccak256(bytes.concat(head, tail));
    }
}
