module PersistenceTests

open Expecto
