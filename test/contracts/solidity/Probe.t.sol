// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {vm} from "./utils/Vm.sol";
import {Polis} from "../../../contracts/Polis.sol";
import {PolisToken} from "../../../contracts/token/PolisToken.sol";
import {AppRegistry} from "../../../contracts/registries/AppRegistry.sol";
import {DatasetRegistry} from "../../../contracts/registries/DatasetRegistry.sol";
import {WorkerpoolRegistry} from "../../../contracts/registries/WorkerpoolRegistry.sol";

contract ProbeTest {
    Polis hub;

    function setUp() public {
        PolisToken token = new PolisToken(address(this), 0, 1e30);
        hub = new Polis(address(this), token, new AppRegistry(), new DatasetRegistry(), new WorkerpoolRegistry());
    }

    function testDeploys() public view {
        require(hub.taskManager() != address(0), "no tm");
    }

    /// forge-config: default.fuzz.runs = 10
    function testFuzzProbe(uint256 x) public {
        vm.warp(1000 + (x % 1000));
        require(block.timestamp >= 1000, "warp");
    }
}
