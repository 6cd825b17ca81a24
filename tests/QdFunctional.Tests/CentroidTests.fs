module CentroidTests

open Expecto
