package dev.idem.lab.scenario.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The transfer race's {@code account} row as a JPA application maps it: an assigned id and the balance. */
@Entity(name = "LabAccount")
@Table(name = "account")
public class LabAccount {

    @Id
    private Long id;

    @Column(nullable = false)
    private long balance;

    public Long getId() {
        return id;
    }

    public long getBalance() {
        return balance;
    }

    public void setBalance(long balance) {
        this.balance = balance;
    }
}
